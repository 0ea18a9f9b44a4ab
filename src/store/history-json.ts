import type { HistoryExchange } from '../domain/conversation-history';

/**
 * Each exchange's stored form, kept as long as the exchange object is: a conversation's history is written again at
 * every turn, all but one of its exchanges as they were written before (exchanges are never changed in place).
 */
const stored = new WeakMap<HistoryExchange, string>();

/** The stored form of a history (both stores keep it as JSON text): dates as ISO strings. */
export function historyToJson(exchanges: readonly HistoryExchange[]): string {
  let json = '';
  for (const e of exchanges) {
    let one = stored.get(e);
    if (one === undefined) {
      one = JSON.stringify({
        user: e.user,
        assistant: e.assistant,
        tokens: e.tokens,
        ...(e.userTokens !== undefined ? { userTokens: e.userTokens } : {}),
        at: e.at.toISOString(),
      });
      stored.set(e, one);
    }
    json += json ? `,${one}` : one;
  }
  return `[${json}]`;
}

/** Reads what historyToJson wrote; a row that is not what it wrote reads as no history rather than failing a turn. */
export function historyFromJson(text: string): HistoryExchange[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const exchanges: HistoryExchange[] = [];
  for (const item of parsed as unknown[]) {
    const e = item as { user?: unknown; assistant?: unknown; tokens?: unknown; userTokens?: unknown; at?: unknown } | null;
    if (typeof e?.user !== 'string' || typeof e.assistant !== 'string' || typeof e.tokens !== 'number') continue;
    const at = typeof e.at === 'string' ? new Date(e.at) : undefined;
    if (!at || Number.isNaN(at.getTime())) continue;
    const userTokens =
      typeof e.userTokens === 'number' && e.userTokens >= 0 && e.userTokens <= e.tokens ? { userTokens: e.userTokens } : {};
    exchanges.push({ user: e.user, assistant: e.assistant, tokens: e.tokens, ...userTokens, at });
  }
  return exchanges;
}
