import type { Locale } from '../../i18n/locale';
import { translator } from '../../i18n/translator';
import type { FeedbackRepo } from '../../store/feedback-repo';
import { reportsCard } from '../cards/reports-card';
import type { Reply } from './tenant-commands';

/** How many reports the card shows: the newest; the web console pages through all of them. */
export const REPORTS_CARD_LIMIT = 10;

const DAY_MS = 86_400_000;

/**
 * The `reports` operator command: the newest content reports of every tenant, as a card in the operator's
 * language. The caller checks that the user is an operator (OperatorCommands).
 */
export async function reportsReply(
  feedback: FeedbackRepo,
  retention: { retentionMs: number; textRetentionMs: number },
  locale: Locale,
): Promise<Reply> {
  const page = await feedback.listReports({ limit: REPORTS_CARD_LIMIT });
  return {
    card: reportsCard(
      {
        reports: page.reports,
        more: page.nextBefore !== undefined,
        retentionDays: Math.round(retention.retentionMs / DAY_MS),
        textRetentionDays: Math.round(retention.textRetentionMs / DAY_MS),
      },
      translator(locale),
    ),
  };
}
