import { isProblem, type ComparisonOutcome } from '../../domain/billed-vs-sent';
import type { Translator } from '../../i18n/translator';
import type { BilledVsSentRow, BilledVsSentRun } from '../../store/store';
import { adaptiveCard, facts, note, paragraph, title, type AdaptiveCard } from './adaptive-card';

export interface BilledVsSentView {
  latest?: BilledVsSentRun;
  /** Problem rows of the latest run's days (the first few). */
  problems: readonly BilledVsSentRow[];
  /** How many problem rows those days hold in all. */
  problemCount: number;
  /** The hour (UTC) the daily run is due. */
  hourUtc: number;
}

/** The operator's `billed` card: the last run and the rows of its days that disagree. */
export function billedVsSentCard(view: BilledVsSentView, t: Translator): AdaptiveCard {
  const heading = title(t.t('billedVsSent.title'));
  const run = view.latest;
  if (!run) return adaptiveCard([heading, paragraph(t.t('billedVsSent.card.noRun', { hour: view.hourUtc }))]);
  const quantity = (v: number | undefined) => (v === undefined ? t.t('billedVsSent.card.none') : t.number(v));
  const outcome = (o: ComparisonOutcome) => t.t(`billedVsSent.outcome.${o}`);
  const when = t.date(run.finishedAt ?? run.startedAt, { dateStyle: 'medium', timeStyle: 'short' });
  const counted = (Object.entries(run.counts) as [ComparisonOutcome, number][]).filter(([, n]) => n > 0);
  return adaptiveCard([
    heading,
    note(
      t.t('billedVsSent.card.lastRun', {
        when,
        status: t.t(`billedVsSent.status.${run.status}`),
        firstDay: t.date(run.firstDay),
        lastDay: t.date(run.lastDay),
      }),
    ),
    ...(run.status === 'Failed' && run.error ? [paragraph(t.t('billedVsSent.card.failed', { error: run.error }))] : []),
    ...(counted.length ? [facts(counted.map(([o, n]) => [outcome(o), t.number(n)] as const))] : []),
    ...(view.problemCount === 0
      ? run.status === 'Done'
        ? [paragraph(t.t('billedVsSent.card.allMatch'))]
        : []
      : [
          title(t.t('billedVsSent.card.problems', { count: view.problemCount })),
          facts(
            view.problems
              .filter((r) => isProblem(r.outcome))
              .map(
                (r) =>
                  [
                    `${t.date(r.day)} · ${outcome(r.outcome)}`,
                    `${t.t('billedVsSent.card.row', { subscription: r.subscriptionId, dimension: r.dimension, plan: r.planId })}: ${t.t(
                      'billedVsSent.card.quantities',
                      {
                        ours: quantity(r.ledgerQuantity),
                        theirs: quantity(r.processedQuantity),
                        status: r.reconStatus ?? '—',
                      },
                    )}`,
                  ] as const,
              ),
          ),
          ...(view.problemCount > view.problems.length
            ? [note(t.t('billedVsSent.card.more', { count: view.problemCount - view.problems.length }))]
            : []),
        ]),
  ]);
}
