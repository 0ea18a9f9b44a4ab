import { problemCount } from '../../domain/billed-vs-sent';
import type { Translator } from '../../i18n/translator';
import type { Store } from '../../store/store';
import { billedVsSentCard } from '../cards/billed-vs-sent-card';
import type { Reply } from './tenant-commands';

/** Problem rows shown on the card; the console shows them all. */
const SHOWN = 10;

/** `billed` (operators): the last billed-vs-sent run and the rows of its days that disagree. */
export async function billedVsSentReply(store: Store, t: Translator, hourUtc: number): Promise<Reply> {
  const latest = await store.billedVsSent.latestRun();
  if (!latest) return { card: billedVsSentCard({ problems: [], problemCount: 0, hourUtc }, t) };
  const filter = { fromDay: latest.firstDay, toDay: latest.lastDay, onlyProblems: true };
  const [problems, counts] = await Promise.all([
    store.billedVsSent.rows({ ...filter, limit: SHOWN }),
    store.billedVsSent.counts(filter),
  ]);
  return { card: billedVsSentCard({ latest, problems, problemCount: problemCount(counts), hourUtc }, t) };
}
