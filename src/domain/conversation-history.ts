import { createHash } from 'node:crypto';

/**
 * Conversation history kept in the store (README "Conversation history"): per conversation, the last exchanges
 * (a user message and the answer to it), bounded by a number of exchanges and a number of tokens, forgotten a set
 * time after the conversation's last exchange. It is message text, i.e. personal data: only what these bounds allow
 * is ever written, and it is never logged. An exchange is never changed once made (the stores keep each one's
 * stored form: src/store/history-json.ts).
 */
export interface HistoryExchange {
  readonly user: string;
  readonly assistant: string;
  /** Tokens of both texts (the prompt's tokenizer): what the token bound counts. */
  readonly tokens: number;
  /**
   * Tokens of the user's text alone (the answer's are `tokens - userTokens`), so that a prompt renders the history
   * without tokenizing it again. Absent in exchanges stored before it was kept.
   */
  readonly userTokens?: number;
  readonly at: Date;
}

export interface HistoryLimits {
  /** Exchanges kept (each is two chat messages). */
  maxExchanges: number;
  /** Tokens of all kept exchanges together. */
  maxTokens: number;
  /** A conversation's history is forgotten this long after its last exchange. */
  ttlMs: number;
}

/** What identifies a conversation's history: its tenant and Teams conversation id (a channel thread is its own). */
export interface ConversationRef {
  tenantId: string;
  conversationId: string;
}

/**
 * The store's key of a conversation: a SHA-256 of tenant and conversation id. Fixed length (Teams conversation ids
 * run to hundreds of characters, too long for an Azure SQL key) and no conversation id kept in clear.
 */
export function historyKeyOf(ref: ConversationRef): string {
  return createHash('sha256').update(`${ref.tenantId}\n${ref.conversationId}`).digest('hex');
}

/**
 * The history after a new exchange: the newest exchanges that fit both bounds, oldest dropped first. An exchange
 * that alone is over the token bound is not kept (nor anything before it).
 */
export function appendExchange(
  previous: readonly HistoryExchange[],
  next: HistoryExchange,
  limits: Pick<HistoryLimits, 'maxExchanges' | 'maxTokens'>,
): HistoryExchange[] {
  const all = [...previous, next];
  const kept: HistoryExchange[] = [];
  let tokens = 0;
  for (let i = all.length - 1; i >= 0 && kept.length < limits.maxExchanges; i--) {
    const exchange = all[i]!;
    if (tokens + exchange.tokens > limits.maxTokens) break;
    tokens += exchange.tokens;
    kept.unshift(exchange);
  }
  return kept;
}

/** When a history written at `lastExchangeAt` is forgotten. */
export function historyExpiry(lastExchangeAt: Date, limits: Pick<HistoryLimits, 'ttlMs'>): Date {
  return new Date(lastExchangeAt.getTime() + limits.ttlMs);
}

/** The chat messages of a history, oldest first, as a prompt's conversation history section reads them. */
export function historyMessages(exchanges: readonly HistoryExchange[]): { role: 'user' | 'assistant'; content: string }[] {
  return exchanges.flatMap((e) => [
    { role: 'user' as const, content: e.user },
    { role: 'assistant' as const, content: e.assistant },
  ]);
}
