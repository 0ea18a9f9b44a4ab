/** One step of a job that walks a table in order: what it did, and where to go on (absent: it reached the end). */
export interface RetentionStep {
  /** Rows written (rolled up, deleted or scrubbed) by this step. */
  rows: number;
  /** Opaque position to pass to the next step; absent when there is nothing more to do in this pass. */
  next?: string;
}

/**
 * Bounded data growth (issue 14, src/retention/retention-job.ts): usage events rolled up into daily aggregates,
 * raw events deleted past their retention once billed and settled, message text cleared past its own retention.
 * Every step is one short transaction over at most `limit` rows, so turns never wait long behind it.
 */
export interface RetentionRepo {
  /**
   * Takes (or renews, for the same holder) the lease `name` until `until`. False while another holder's lease is
   * live: maintenance jobs run on one instance at a time.
   */
  lease(name: string, holder: string, now: Date, until: Date): Promise<boolean>;
  /** Gives the lease back (only the holder's own). */
  releaseLease(name: string, holder: string): Promise<void>;
  /**
   * Adds at most `limit` usage events not rolled up yet to the daily aggregates (subscription, day, user,
   * dimension, plan: turns, units, billable units, tokens), to the per-(subscription, day, dimension) totals and to
   * the per-(subscription, billing period, user) totals, and marks them rolled up, in one transaction. Returns how
   * many; 0 when every event is rolled up. Each event is counted once, ever.
   */
  rollUp(limit: number): Promise<number>;
  /**
   * Deletes at most `limit` raw usage events that occurred before `before`, are rolled up, have left the usage
   * outbox (the metering worker consumed them), and, when they carry billable units, whose subscription and
   * dimension have no metering bucket still unsettled (Open, InFlight, Retry, Held, Failed, Conflict). Never any
   * other event. `after` continues a pass (the previous step's `next`).
   */
  purgeEvents(input: { before: Date; limit: number; after?: string }): Promise<RetentionStep>;
  /** Clears the message and response text of at most `limit` events that occurred before `before`. */
  scrubText(input: { before: Date; limit: number; after?: string }): Promise<RetentionStep>;
}
