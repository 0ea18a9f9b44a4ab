export interface SeatAssignment {
  subscriptionId: string;
  userId: string;
  userName?: string;
  assignedAt: Date;
  assignedBy: string;
  revokedAt?: Date;
}

export type SeatClaim =
  /** The user holds one of the first `capacity` active seats. */
  | 'held'
  /** A free seat was just given to the user (first come, first served). */
  | 'assigned'
  /** An admin took the seat back: only an admin can give it again. */
  | 'revoked'
  /** No free seat (or the user's seat lies beyond a reduced seat count). */
  | 'full';

/**
 * Seats of per-user plans. A seat counts while not revoked; when the seat count goes down, the oldest seats stay
 * valid.
 */
export interface SeatRepo {
  /** Atomic: concurrent claims never hand out more than `capacity` seats. */
  claim(input: {
    subscriptionId: string;
    userId: string;
    userName?: string;
    capacity: number;
    autoAssign: boolean;
    at: Date;
  }): Promise<SeatClaim>;
  /** Admin assignment; also gives back a revoked seat. */
  assign(input: {
    subscriptionId: string;
    userId: string;
    userName?: string;
    capacity: number;
    by: string;
    at: Date;
  }): Promise<'assigned' | 'already' | 'full'>;
  /** False when the user held no active seat. */
  revoke(input: { subscriptionId: string; userId: string; by: string; at: Date }): Promise<boolean>;
  /** Active seats, oldest first (the first `quantity` of them are valid). */
  list(subscriptionId: string): Promise<SeatAssignment[]>;
}
