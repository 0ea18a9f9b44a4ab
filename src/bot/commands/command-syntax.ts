/**
 * Command syntax. Anchored regexes only (and never the `g`/`y` flags, which make `test()` stateful): a sentence
 * that merely contains "usage" goes to the AI. A command word must be followed by a space or the end, so a
 * question that starts with a path ("/etc/hosts …") is not mistaken for a command.
 */
export const COMMANDS = {
  help: /^\/help(?=\s|$)/i,
  usage: /^\/usage(?=\s|$)/i,
  stats: /^\/stats(?=\s|$)/i,
  plan: /^\/plan(?=\s|$)/i,
  seats: /^\/seats(?=\s|$)/i,
  admins: /^\/admins(?=\s|$)/i,
} as const;

export type CommandName = keyof typeof COMMANDS;

/** Any `/word` at the start: known commands and unknown ones (which get a polite "try /help"). */
export const ANY_COMMAND = /^\/[a-z][\w-]*(?=\s|$)/i;

export function isCommandText(text: string): boolean {
  return ANY_COMMAND.test(text.trim());
}

/** The words after the command word: `/seats assign Jane Doe` → `['assign', 'Jane Doe']` (rest kept whole). */
export function commandArgs(text: string): { action: string | undefined; rest: string } {
  const words = text.trim().replace(ANY_COMMAND, '').trim();
  if (!words) return { action: undefined, rest: '' };
  const [action, ...rest] = words.split(/\s+/);
  return { action: action!.toLowerCase(), rest: rest.join(' ').trim() };
}
