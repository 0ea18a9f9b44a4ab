import type { Translator } from '../../i18n/translator';
import type { StoredFeedback } from '../../store/feedback-repo';
import { adaptiveCard, note, paragraph, title, type AdaptiveCard, type CardElement } from './adaptive-card';

export interface ReportsView {
  reports: readonly StoredFeedback[];
  /** More (older) reports exist beyond this page. */
  more: boolean;
  retentionDays: number;
  textRetentionDays: number;
}

/** Longest answer text shown per report: the card is a list, the console shows it whole. */
const ANSWER_PREVIEW_CHARS = 300;

/** The operators' `reports` card: the newest content reports (a 👎 with a comment), newest first. */
export function reportsCard(view: ReportsView, t: Translator): AdaptiveCard {
  const body: CardElement[] = [title(t.t('reports.title')), paragraph(t.t('reports.intro', { count: view.reports.length }))];
  for (const r of view.reports) {
    body.push({
      type: 'Container',
      separator: true,
      items: [
        paragraph(
          t.t('reports.heading', {
            when: t.date(r.createdAt, { dateStyle: 'medium', timeStyle: 'short' }),
            tenantId: r.tenantId,
          }),
          { weight: 'Bolder' },
        ),
        plainText(t.t('reports.comment', { comment: oneLine(r.comment ?? '') })),
        ...(r.messageText ? [plainText(t.t('reports.answer', { text: oneLine(preview(r.messageText)) }), true)] : []),
        note(
          [
            r.subscriptionId ? t.t('reports.subscription', { subscriptionId: r.subscriptionId }) : t.t('reports.noSubscription'),
            ...(r.replyId ? [t.t('reports.answerId', { replyId: r.replyId })] : []),
          ].join(' · '),
        ),
      ],
    });
  }
  if (view.more) body.push(note(t.t('reports.more')));
  body.push(note(t.t('reports.retention', { days: view.retentionDays, textDays: view.textRetentionDays })));
  return adaptiveCard(body);
}

function preview(text: string): string {
  const chars = Array.from(text);
  return chars.length > ANSWER_PREVIEW_CHARS ? `${chars.slice(0, ANSWER_PREVIEW_CHARS).join('')}…` : text;
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * User-written text shown exactly as typed: a TextBlock renders markdown, so a comment could show as a link or a
 * heading on the operator's card; a RichTextBlock's TextRun does not. Hosts without RichTextBlock get the fallback.
 */
function plainText(text: string, subtle = false): CardElement {
  const look = subtle ? { isSubtle: true, size: 'Small' } : {};
  return {
    type: 'RichTextBlock',
    inlines: [{ type: 'TextRun', text, ...look }],
    fallback: { type: 'TextBlock', text, wrap: true, ...look },
  };
}
