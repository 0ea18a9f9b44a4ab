/** A problem the operator must see while it lasts (e.g. the worker cannot authenticate to the Marketplace). */
export interface SystemAlert {
  key: string;
  message: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** How many times it was raised since it was first seen. */
  count: number;
}

export interface AlertRepo {
  /** Raises or refreshes the alert `key` (one row per key while it lasts). */
  raise(key: string, message: string, at: Date): Promise<void>;
  /** The problem is gone; false when it was not raised. */
  clear(key: string, at: Date): Promise<boolean>;
  active(): Promise<SystemAlert[]>;
}
