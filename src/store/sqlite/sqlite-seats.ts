import type Database from 'better-sqlite3';
import { toSeat, type SeatRow as AnySeatRow } from '../row-mapping';
import type { SeatClaim, SeatRepo } from '../seat-repo';

/** A seat row as SQLite gives it (epoch milliseconds). */
interface SeatRow extends AnySeatRow {
  assigned_at: number;
  revoked_at: number | null;
}

/**
 * Seats are rows; a seat counts while not revoked. When the seat count goes down, the oldest seats stay valid:
 * a seat is valid while fewer than `capacity` active seats were assigned before it.
 */
export function sqliteSeats(db: Database.Database): SeatRepo {
  const getSeat = db.prepare('SELECT * FROM seat_assignments WHERE subscription_id = ? AND user_id = ?');
  const countActive = db.prepare('SELECT COUNT(*) AS n FROM seat_assignments WHERE subscription_id = ? AND revoked_at IS NULL');
  const rankOf = db.prepare(`SELECT COUNT(*) AS n FROM seat_assignments
    WHERE subscription_id = @s AND revoked_at IS NULL
      AND (assigned_at < @at OR (assigned_at = @at AND user_id < @u))`);
  const give = db.prepare(`INSERT INTO seat_assignments (subscription_id, user_id, user_name, assigned_at, assigned_by)
    VALUES (@s, @u, @name, @at, @by)
    ON CONFLICT (subscription_id, user_id) DO UPDATE SET assigned_at = excluded.assigned_at,
      assigned_by = excluded.assigned_by, user_name = COALESCE(excluded.user_name, seat_assignments.user_name),
      revoked_at = NULL, revoked_by = NULL`);
  const revoke = db.prepare(`UPDATE seat_assignments SET revoked_at = ?, revoked_by = ?
    WHERE subscription_id = ? AND user_id = ? AND revoked_at IS NULL`);
  const listActive = db.prepare(`SELECT * FROM seat_assignments WHERE subscription_id = ? AND revoked_at IS NULL
    ORDER BY assigned_at, user_id`);

  const active = (s: string) => (countActive.get(s) as { n: number }).n;

  const claim = db.transaction(
    (i: Parameters<SeatRepo['claim']>[0]): SeatClaim => {
      const seat = getSeat.get(i.subscriptionId, i.userId) as SeatRow | undefined;
      if (seat && seat.revoked_at === null) {
        const rank = (rankOf.get({ s: i.subscriptionId, at: seat.assigned_at, u: seat.user_id }) as { n: number }).n;
        return rank < i.capacity ? 'held' : 'full';
      }
      if (seat) return 'revoked';
      if (!i.autoAssign || active(i.subscriptionId) >= i.capacity) return 'full';
      give.run({ s: i.subscriptionId, u: i.userId, name: i.userName ?? null, at: i.at.getTime(), by: 'auto' });
      return 'assigned';
    },
  );
  const assign = db.transaction(
    (i: { subscriptionId: string; userId: string; userName?: string; capacity: number; by: string; at: Date }) => {
      const seat = getSeat.get(i.subscriptionId, i.userId) as SeatRow | undefined;
      if (seat && seat.revoked_at === null) return 'already' as const;
      if (active(i.subscriptionId) >= i.capacity) return 'full' as const;
      give.run({ s: i.subscriptionId, u: i.userId, name: i.userName ?? null, at: i.at.getTime(), by: i.by });
      return 'assigned' as const;
    },
  );

  return {
    async claim(input) {
      return claim.immediate(input);
    },
    async assign(input) {
      return assign.immediate(input);
    },
    async revoke(input) {
      return revoke.run(input.at.getTime(), input.by, input.subscriptionId, input.userId).changes === 1;
    },
    async list(subscriptionId) {
      return (listActive.all(subscriptionId) as SeatRow[]).map(toSeat);
    },
  };
}
