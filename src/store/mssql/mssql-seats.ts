import { toSeat, type SeatRow as AnySeatRow } from '../row-mapping';
import type { SeatClaim, SeatRepo } from '../seat-repo';
import { param, type MssqlDatabase, type Queryable } from './mssql-database';

/** A seat row as Azure SQL gives it (`Date`s). */
interface SeatRow extends AnySeatRow {
  assigned_at: Date;
  revoked_at: Date | null;
}

/**
 * Seats are rows; a seat counts while not revoked. When the seat count goes down, the oldest seats stay valid:
 * a seat is valid while fewer than `capacity` active seats were assigned before it.
 *
 * Claims and assignments of one subscription take turns: each first reads the subscription's seat rows under
 * UPDLOCK + HOLDLOCK, a key-range lock held to the end of the transaction, which a second claimer waits for and
 * which keeps any other seat from being inserted meanwhile. The count it then makes cannot go stale before the
 * insert, so concurrent claims never hand out more than `capacity` seats.
 */
export function mssqlSeats(db: MssqlDatabase): SeatRepo {
  const s = db.s;

  /** Locks the subscription's seats and returns how many are active and the user's own row. */
  async function lockSeats(tx: Queryable, subscriptionId: string, userId: string) {
    const { rows } = await tx.query<{ active: number }>(
      `SELECT COALESCE(SUM(CASE WHEN revoked_at IS NULL THEN 1 ELSE 0 END), 0) AS active
      FROM ${s}.seat_assignments WITH (UPDLOCK, HOLDLOCK) WHERE subscription_id = @s`,
      { s: param.text(subscriptionId) },
    );
    const own = await tx.query<SeatRow>(`SELECT * FROM ${s}.seat_assignments WHERE subscription_id = @s AND user_id = @u`, {
      s: param.text(subscriptionId),
      u: param.text(userId),
    });
    return { active: rows[0]?.active ?? 0, seat: own.rows[0] };
  }

  /** How many active seats come before this one (oldest first, then by user id). */
  async function rankOf(tx: Queryable, seat: SeatRow): Promise<number> {
    const { rows } = await tx.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${s}.seat_assignments
      WHERE subscription_id = @s AND revoked_at IS NULL AND (assigned_at < @at OR (assigned_at = @at AND user_id < @u))`,
      { s: param.text(seat.subscription_id), at: param.time(seat.assigned_at), u: param.text(seat.user_id) },
    );
    return rows[0]?.n ?? 0;
  }

  /** Gives the seat: a new row, or the user's revoked row made active again. */
  async function give(
    tx: Queryable,
    i: { subscriptionId: string; userId: string; userName?: string; at: Date; by: string },
    existing: boolean,
  ) {
    const params = {
      s: param.text(i.subscriptionId),
      u: param.text(i.userId),
      name: param.text(i.userName),
      at: param.time(i.at),
      by: param.text(i.by),
    };
    if (existing) {
      await tx.query(
        `UPDATE ${s}.seat_assignments SET assigned_at = @at, assigned_by = @by, user_name = COALESCE(@name, user_name),
          revoked_at = NULL, revoked_by = NULL
        WHERE subscription_id = @s AND user_id = @u`,
        params,
      );
    } else {
      await tx.query(
        `INSERT INTO ${s}.seat_assignments (subscription_id, user_id, user_name, assigned_at, assigned_by)
        VALUES (@s, @u, @name, @at, @by)`,
        params,
      );
    }
  }

  return {
    async claim(i) {
      return db.transaction(async (tx): Promise<SeatClaim> => {
        const { active, seat } = await lockSeats(tx, i.subscriptionId, i.userId);
        if (seat && seat.revoked_at === null) return (await rankOf(tx, seat)) < i.capacity ? 'held' : 'full';
        if (seat) return 'revoked';
        if (!i.autoAssign || active >= i.capacity) return 'full';
        await give(tx, { ...i, by: 'auto' }, false);
        return 'assigned';
      });
    },
    async assign(i) {
      return db.transaction(async (tx) => {
        const { active, seat } = await lockSeats(tx, i.subscriptionId, i.userId);
        if (seat && seat.revoked_at === null) return 'already' as const;
        if (active >= i.capacity) return 'full' as const;
        await give(tx, i, seat !== undefined);
        return 'assigned' as const;
      });
    },
    async revoke(input) {
      const { rowsAffected } = await db.query(
        `UPDATE ${s}.seat_assignments SET revoked_at = @at, revoked_by = @by
        WHERE subscription_id = @s AND user_id = @u AND revoked_at IS NULL`,
        { at: param.time(input.at), by: param.text(input.by), s: param.text(input.subscriptionId), u: param.text(input.userId) },
      );
      return rowsAffected[0] === 1;
    },
    async list(subscriptionId) {
      const { rows } = await db.query<SeatRow>(
        `SELECT * FROM ${s}.seat_assignments WHERE subscription_id = @s AND revoked_at IS NULL ORDER BY assigned_at, user_id`,
        { s: param.text(subscriptionId) },
      );
      return rows.map(toSeat);
    },
  };
}
