/**
 * Command syntax, in one table. The Teams Store wants commands without a slash or other prefix (`help`, not
 * `/help`), so a message is a command only when it is the whole message: a command word, then nothing or exactly
 * the arguments that command takes. "help me write an email" or "usage of semicolons?" therefore go to the AI.
 * A leading `/` (the old form, and other chat apps' habit) is accepted quietly; with it any arguments are taken, so
 * `/seats frob` gets the syntax hint and `/frobnicate` a polite "unknown command".
 * Anchored regexes only, never the `g`/`y` flags (they make `test()` stateful).
 */
export const TENANT_COMMAND_NAMES = ['help', 'usage', 'stats', 'plan', 'seats', 'admins'] as const;
export const OPERATOR_COMMAND_NAMES = ['metering', 'subscriptions', 'revenue', 'billed', 'reports'] as const;
/** Commands about the conversation itself, for everyone: `new chat` forgets its history (src/bot/history/). */
export const CONVERSATION_COMMAND_NAMES = ['new-chat'] as const;
/** Commands about proactive messages (src/bot/proactive/proactive-commands.ts), which check roles themselves. */
export const PROACTIVE_COMMAND_NAMES = ['notifications', 'alerts'] as const;
/**
 * Support tickets (src/bot/commands/support-commands.ts): `support`, `tickets` and `ticket` for everyone in every
 * subscription state, `desk` for operators; `statement` (operators) links to a usage statement.
 */
export const SUPPORT_COMMAND_NAMES = ['support', 'tickets', 'ticket', 'desk', 'statement'] as const;

export type CommandName = (typeof TENANT_COMMAND_NAMES)[number];
export type OperatorCommandName = (typeof OPERATOR_COMMAND_NAMES)[number];
export type ConversationCommandName = (typeof CONVERSATION_COMMAND_NAMES)[number];
export type ProactiveCommandName = (typeof PROACTIVE_COMMAND_NAMES)[number];
export type SupportCommandName = (typeof SUPPORT_COMMAND_NAMES)[number];

interface Syntax {
  /** The words that start the command (greetings are help: the Store expects `hi` and `hello` to answer). */
  words: readonly string[];
  /** What may follow the word without a slash; absent = nothing may. */
  args?: RegExp;
  /** Words that are the command only with arguments (`new chat`: "new" alone is an ordinary message). */
  needArgs?: readonly string[];
}

type AnyCommandName = CommandName | OperatorCommandName | ConversationCommandName | ProactiveCommandName | SupportCommandName;

const SYNTAX: Record<AnyCommandName, Syntax> = {
  help: { words: ['help', 'hi', 'hello', 'aide', 'bonjour', 'salut'] },
  usage: { words: ['usage'] },
  stats: { words: ['stats'] },
  plan: { words: ['plan'] },
  seats: { words: ['seats'], args: /^(list|assign|revoke)(\s[\s\S]*)?$/i },
  admins: { words: ['admins'], args: /^(list|add|remove)(\s[\s\S]*)?$/i },
  metering: { words: ['metering'], args: /^(resend|resolve)\s+#?\d+(\s[\s\S]*)?$/i },
  subscriptions: { words: ['subscriptions'] },
  revenue: { words: ['revenue'] },
  // `new chat`, `reset`; French `nouvelle conversation`, `nouvelle discussion`, `nouveau chat`, `recommencer`.
  'new-chat': {
    words: ['new', 'reset', 'nouvelle', 'nouveau', 'recommencer'],
    args: /^(chat|conversation|discussion)[!.?]*$/i,
    needArgs: ['new', 'nouvelle', 'nouveau'],
  },
  billed: { words: ['billed'] },
  notifications: { words: ['notifications'], args: /^(on|off)\s+[\w-]+$/i },
  alerts: { words: ['alerts'], args: /^(here|off)$/i },
  // `support` takes any text: it is the ticket's request.
  support: { words: ['support'], args: /^[\s\S]+$/ },
  tickets: { words: ['tickets'] },
  ticket: { words: ['ticket'], args: /^#?\d{1,9}(\s[\s\S]*)?$/ },
  desk: { words: ['desk'], args: /^(all|mine|stats|#?\d{1,9}(\s+(assign|answer|close)(\s[\s\S]*)?)?)$/i },
  statement: { words: ['statement'], args: /^\S+(\s+\d{4}-\d{2}-\d{2})?$/ },
  reports: { words: ['reports'] },
};

const BY_WORD = new Map<string, AnyCommandName>(
  (Object.keys(SYNTAX) as AnyCommandName[]).flatMap((name) =>
    SYNTAX[name].words.map((w) => [w, name] as const),
  ),
);

/**
 * Optional slash, a word, optional end punctuation ("Hi!", "help?"), then the arguments. A word must be followed by
 * a space or the end, so "/etc/hosts …" or "Hi, can you…" are not commands.
 */
const COMMAND_LINE = /^(\/?)([a-z][\w-]*)[!.?]*(?:\s+([\s\S]*?))?\s*$/i;
/** Arguments that are only punctuation ("salut !", French spacing) count as none. */
const NO_ARGS = /^[!.?]*$/;

export type ParsedCommand =
  | { kind: 'tenant'; name: CommandName; action: string | undefined; rest: string }
  | { kind: 'operator'; name: OperatorCommandName; action: string | undefined; rest: string }
  | { kind: 'conversation'; name: ConversationCommandName }
  | { kind: 'proactive'; name: ProactiveCommandName; action: string | undefined; rest: string }
  | { kind: 'support'; name: SupportCommandName; action: string | undefined; rest: string }
  /** A `/word` we do not know (only with a slash: without one it is an ordinary message). */
  | { kind: 'unknown'; word: string };

export function parseCommand(text: string): ParsedCommand | undefined {
  const match = COMMAND_LINE.exec(text.trim());
  if (!match) return undefined;
  const slash = match[1] === '/';
  const word = match[2]!.toLowerCase();
  const args = NO_ARGS.test(match[3] ?? '') ? '' : match[3]!;
  const name = BY_WORD.get(word);
  if (!name) return slash ? { kind: 'unknown', word } : undefined;
  const syntax = SYNTAX[name];
  if (!slash && args && !syntax.args?.test(args)) return undefined;
  if (!args && syntax.needArgs?.includes(word)) return slash ? { kind: 'unknown', word } : undefined;
  if ((CONVERSATION_COMMAND_NAMES as readonly string[]).includes(name)) return { kind: 'conversation', name: name as ConversationCommandName };
  const [action, ...rest] = args ? args.split(/\s+/) : [];
  const parsed = { action: action?.toLowerCase(), rest: rest.join(' ').trim() };
  if ((PROACTIVE_COMMAND_NAMES as readonly string[]).includes(name))
    return { kind: 'proactive', name: name as ProactiveCommandName, ...parsed };
  if ((SUPPORT_COMMAND_NAMES as readonly string[]).includes(name))
    return { kind: 'support', name: name as SupportCommandName, ...parsed };
  return (OPERATOR_COMMAND_NAMES as readonly string[]).includes(name)
    ? { kind: 'operator', name: name as OperatorCommandName, ...parsed }
    : { kind: 'tenant', name: name as CommandName, ...parsed };
}

export function isCommandText(text: string): boolean {
  return parseCommand(text) !== undefined;
}

/** The words after the command word: `seats assign Jane Doe` → `{ action: 'assign', rest: 'Jane Doe' }`. */
export function commandArgs(text: string): { action: string | undefined; rest: string } {
  const parsed = parseCommand(text);
  return parsed && (parsed.kind === 'tenant' || parsed.kind === 'operator')
    ? { action: parsed.action, rest: parsed.rest }
    : { action: undefined, rest: '' };
}
