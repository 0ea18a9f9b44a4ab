import type { HistoryExchange } from '../domain/conversation-history';
import type { WriteOptions } from './write-options';

/** A conversation's stored history and its version (0: none stored), for an optimistic write. */
export interface StoredHistory {
  exchanges: HistoryExchange[];
  version: number;
}

/**
 * Conversation history shared by every instance (src/domain/conversation-history.ts), keyed by `historyKeyOf`. One
 * row per conversation: a turn reads it once and writes it once. A write names the version it read, so two turns of
 * one conversation at the same moment cannot lose each other's exchange: the second is told `conflict` and merges.
 */
export interface ConversationHistoryRepo {
  /** The history of a conversation at `now`: empty (with the row's version) once it has expired. */
  load(key: string, now: Date): Promise<StoredHistory>;
  /**
   * Writes the history if the stored version is still `expectedVersion` (0: no row), and bumps it; `conflict`
   * otherwise (another turn wrote, the conversation was reset, or the sweep removed it): nothing is written.
   */
  save(
    input: { key: string; tenantId: string; exchanges: readonly HistoryExchange[]; expiresAt: Date; at: Date; expectedVersion: number },
    options?: WriteOptions,
  ): Promise<'saved' | 'conflict'>;
  /** Forgets a conversation's history (`new chat`). False when there was none. */
  clear(key: string): Promise<boolean>;
  /** Deletes every history expired at `now`; returns how many. */
  deleteExpired(now: Date): Promise<number>;
}
