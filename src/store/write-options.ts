/** How a write may be scheduled. */
export interface WriteOptions {
  /**
   * Nobody waits on the result to answer a user (a turn's usage, written after its reply has gone): the store may
   * hold the write a few milliseconds so that it shares one commit with others.
   */
  background?: boolean;
  /**
   * A write someone waits on that reads what background writes change (a quota claim reads the counters their
   * settlements free): the background writes queued before it commit first, in its transaction.
   */
  withBackground?: boolean;
}
