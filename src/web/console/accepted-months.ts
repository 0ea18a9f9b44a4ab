import { DAY } from '../../domain/clock';
import type { AcceptedMonth } from '../../store/console-repo';
import type { Store } from '../../store/store';

/**
 * A month's accepted overage is final two days after it ends: an hour is sent within 24 hours of its start, and
 * units that could not be are carried into the current hour, never back into an old one. Months over by then are
 * read once and kept; only the current month (and the previous one during the first two days) is read at each
 * request.
 */
const SETTLE_MS = 2 * DAY;

export class AcceptedMonths {
  private readonly settled = new Map<string, AcceptedMonth[]>();

  constructor(private readonly store: Store) {}

  /** Months of `months` (`YYYY-MM`, oldest first). */
  async of(months: readonly string[], now: Date): Promise<AcceptedMonth[]> {
    const start = (month: string) => new Date(`${month}-01T00:00:00.000Z`);
    const next = (month: string) => {
      const d = start(month);
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    };
    const isSettled = (month: string) => next(month).getTime() + SETTLE_MS <= now.getTime();
    const missing = months.filter((m) => isSettled(m) && !this.settled.has(m));
    if (missing.length) {
      const rows = await this.store.console.acceptedByMonth(start(missing[0]!), next(missing[missing.length - 1]!));
      for (const m of missing) this.settled.set(m, rows.filter((r) => r.month === m));
      const keep = new Set(months);
      for (const m of this.settled.keys()) if (!keep.has(m)) this.settled.delete(m);
    }
    const live = months.filter((m) => !isSettled(m));
    const liveRows = live.length ? await this.store.console.acceptedByMonth(start(live[0]!)) : [];
    return [...months.filter(isSettled).flatMap((m) => this.settled.get(m) ?? []), ...liveRows];
  }
}
