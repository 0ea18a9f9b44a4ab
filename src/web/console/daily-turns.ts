import { DAY, HOUR } from '../../domain/clock';
import type { DayCount } from '../../store/console-repo';
import type { Store } from '../../store/store';

/** A day's count is final this long after the day ended (usage is written right after each turn's reply). */
const SETTLE_MS = HOUR;
/** Days kept: the overview shows 30. */
const KEEP_DAYS = 62;

/**
 * Answered turns per UTC day for the overview, with the days that are over kept in memory: a day's count no longer
 * changes once it has ended (and settled), so only today (and yesterday for its first hour) is read from the events
 * at each request, instead of a month of rows. The first request after a start reads the whole window.
 */
export class DailyTurns {
  private readonly settled = new Map<string, number>();

  constructor(private readonly store: Store) {}

  async between(from: Date, to: Date, now: Date): Promise<DayCount[]> {
    // Days starting before `liveFrom` are over and settled: counted once, then remembered.
    const liveFrom = Math.max(from.getTime(), Math.floor((now.getTime() - SETTLE_MS) / DAY) * DAY);
    const missing: number[] = [];
    for (let at = from.getTime(); at < liveFrom; at += DAY) if (!this.settled.has(isoDay(at))) missing.push(at);
    if (missing.length) {
      const counted = new Map((await this.store.console.turnsByDay(new Date(missing[0]!), new Date(liveFrom))).map((d) => [d.day, d.count]));
      for (const at of missing) this.settled.set(isoDay(at), counted.get(isoDay(at)) ?? 0);
      this.forgetBefore(now.getTime() - KEEP_DAYS * DAY);
    }
    const live = liveFrom < to.getTime() ? await this.store.console.turnsByDay(new Date(liveFrom), to) : [];
    const out: DayCount[] = [];
    for (let at = from.getTime(); at < liveFrom; at += DAY) {
      const count = this.settled.get(isoDay(at)) ?? 0;
      if (count) out.push({ day: isoDay(at), count });
    }
    return [...out, ...live];
  }

  private forgetBefore(ms: number): void {
    const oldest = isoDay(ms);
    for (const day of this.settled.keys()) if (day < oldest) this.settled.delete(day);
  }
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
