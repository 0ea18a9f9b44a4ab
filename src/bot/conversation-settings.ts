import type { Reader } from '../config-reader';
import { MINUTE } from '../domain/clock';
import type { HistoryLimits } from '../domain/conversation-history';

/** How answers reach the user and what the bot remembers of a conversation (README "Streaming", "Conversation history"). */
export interface ConversationSettings {
  /**
   * Stream answers in personal chats under normal delivery (src/domain/answer-streaming.ts).
   * @defaultValue true (`STREAMING`)
   */
  streaming: boolean;
  /**
   * Conversation history in the store; `undefined` when the operator turned it off (`HISTORY=off`): each message then
   * stands alone and no message text is kept for it.
   * @defaultValue on: 5 exchanges (`HISTORY_MAX_EXCHANGES`), 4,000 tokens (`HISTORY_MAX_TOKENS`), forgotten 24 h
   * after the conversation's last exchange (`HISTORY_TTL_MINUTES=1440`)
   */
  history: HistoryLimits | undefined;
}

/** The longest a conversation's history may be kept: message text is personal data. */
const MAX_TTL_MINUTES = 30 * 24 * 60;

/** Out-of-range values are reported by the reader (each names its variable); nothing here depends on the environment. */
export function loadConversationSettings(r: Reader): ConversationSettings {
  const streaming = r.bool('STREAMING', true);
  const on = r.oneOf('HISTORY', ['on', 'off'], 'on') === 'on';
  // Read even when off, so that a bad value is reported rather than ignored until someone turns history on.
  const limits: HistoryLimits = {
    maxExchanges: r.int('HISTORY_MAX_EXCHANGES', 5, 1, 50),
    maxTokens: r.int('HISTORY_MAX_TOKENS', 4000, 100, 100_000),
    ttlMs: r.int('HISTORY_TTL_MINUTES', 24 * 60, 1, MAX_TTL_MINUTES) * MINUTE,
  };
  return { streaming, history: on ? limits : undefined };
}
