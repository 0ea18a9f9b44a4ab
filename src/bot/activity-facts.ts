import { TurnContext, type Activity } from 'botbuilder';
import type { ClientKind } from '../domain/client-kind';
import type { TurnIdentity } from '../domain/identity';
import { localeOf, type Locale } from '../i18n/locale';
import { translator, type Translator } from '../i18n/translator';

/**
 * Reads who is speaking and what they sent from a (validated) inbound activity. Tenant from
 * `conversation.tenantId`, falling back to `channelData.tenant.id`; user from `from.aadObjectId`, never `from.id`.
 */
export function identityOf(activity: Partial<Activity>): TurnIdentity {
  const channelTenant = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const tenantId = nonEmpty(activity.conversation?.tenantId) ?? nonEmpty(channelTenant);
  const type = activity.conversation?.conversationType;
  return {
    tenantId,
    userId: nonEmpty(activity.from?.aadObjectId),
    userName: nonEmpty(activity.from?.name),
    conversationType: type === 'personal' || type === 'groupChat' || type === 'channel' ? type : 'unknown',
    conversationId: nonEmpty(activity.conversation?.id),
    activityId: nonEmpty(activity.id),
  };
}

/** The message text without the bot's @mention (channels and group chats prefix it). Does not alter the activity. */
export function cleanText(activity: Partial<Activity>): string {
  const text = typeof activity.text === 'string' ? activity.text : '';
  if (!text || !activity.entities?.length || !activity.recipient?.id) return text.trim();
  return TurnContext.removeMentionText({ ...activity, text }, activity.recipient.id)?.trim() ?? '';
}

/**
 * Files and images the user sent. Teams adds a `text/html` copy of every message as an attachment: it is the
 * message itself, not something the user attached, so it does not make the turn premium.
 */
export function userAttachmentCount(activity: Partial<Activity>): number {
  return (activity.attachments ?? []).filter((a) => a && a.contentType !== 'text/html').length;
}

/** Phones report themselves in the `clientInfo` entity (`platform`: 'ios', 'android'); anything else is a desktop. */
export function clientKindOf(activity: Partial<Activity>): ClientKind {
  const info = activity.entities?.find((e) => e?.type === 'clientInfo') as { platform?: unknown } | undefined;
  const platform = typeof info?.platform === 'string' ? info.platform.toLowerCase() : '';
  return platform === 'ios' || platform === 'android' ? 'mobile' : 'desktop';
}

/**
 * The user's language: the activity's `locale` ("fr-FR"), which Teams sets on every message, else the `clientInfo`
 * entity's; English when neither names a language we speak.
 */
export function localeOfActivity(activity: Partial<Activity>): Locale {
  const info = activity.entities?.find((e) => e?.type === 'clientInfo') as { locale?: unknown } | undefined;
  return localeOf(nonEmpty(activity.locale) ?? nonEmpty(info?.locale));
}

/** Who a reply is for, as far as its wording goes: their language, and their client (phones get no purchase UI). */
export interface Audience {
  readonly tr: Translator;
  readonly client: ClientKind;
}

export function audienceOf(activity: Partial<Activity>): Audience {
  return { tr: translator(localeOfActivity(activity)), client: clientKindOf(activity) };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
