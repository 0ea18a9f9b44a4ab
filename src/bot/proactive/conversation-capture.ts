import type { Activity, Middleware, TurnContext } from 'botbuilder';
import type { ClientKind } from '../../domain/client-kind';
import type { Locale } from '../../i18n/locale';
import type { Logger } from '../../logger';
import { conversationKeys, type ConversationAddress, type StoredConversation } from '../../store/outreach-repos';
import type { Store } from '../../store/store';
import { clientKindOf, identityOf, localeOfActivity } from '../activity-facts';

/** Entries of the capture cache: one per user seen; enough for any tenant base a process serves. */
const CACHE_LIMIT = 50_000;

/** The conversation reference of a turn, in our own words. Undefined when the activity lacks what a send needs. */
export function addressOf(activity: Partial<Activity>): ConversationAddress | undefined {
  const serviceUrl = activity.serviceUrl;
  const conversationId = activity.conversation?.id;
  const botId = activity.recipient?.id;
  if (!serviceUrl || !conversationId || !botId || !activity.channelId) return undefined;
  const identity = identityOf(activity);
  return {
    serviceUrl,
    channelId: activity.channelId,
    conversationId,
    ...(activity.conversation?.conversationType ? { conversationType: activity.conversation.conversationType } : {}),
    ...(identity.tenantId ? { tenantId: identity.tenantId } : {}),
    botId,
    ...(activity.recipient?.name ? { botName: activity.recipient.name } : {}),
    ...(activity.from?.id ? { userChannelId: activity.from.id } : {}),
  };
}

export function storedConversation(key: string, activity: Partial<Activity>, at: Date): StoredConversation | undefined {
  const address = addressOf(activity);
  if (!address) return undefined;
  return { key, address, locale: localeOfActivity(activity), client: clientKindOf(activity), updatedAt: at };
}

/** What makes a stored reference out of date: where it points, the language and the client. */
function fingerprint(address: ConversationAddress, locale: Locale, client: ClientKind): string {
  return `${address.serviceUrl}|${address.conversationId}|${address.botId}|${address.userChannelId ?? ''}|${locale}|${client}`;
}

/** fingerprint() of the reference an activity would give, straight from the activity. */
function activityFingerprint(activity: Activity): string {
  return `${activity.serviceUrl}|${activity.conversation?.id}|${activity.recipient?.id}|${activity.from?.id ?? ''}|${localeOfActivity(activity)}|${clientKindOf(activity)}`;
}

/**
 * Keeps each user's personal-chat reference (with their language and last client) so notices can reach them later.
 * Adapter middleware, after the turn: a turn pays a map lookup; the store is written only when the reference is new
 * or changed (first message after a start, another language or client, a moved service URL). A first sighting in
 * this process reads the store before writing, so a restart does not rewrite every user. A failed write is logged
 * and tried again on the user's next turn: it never fails the turn.
 */
export function conversationCapture(deps: { store: Store; logger: Logger; now: () => Date }): Middleware {
  const written = new Map<string, string>();
  const remember = (key: string, print: string) => {
    if (written.size >= CACHE_LIMIT) written.delete(written.keys().next().value as string);
    written.set(key, print);
  };
  const capture = async (activity: Activity) => {
    if (activity.type !== 'message' || activity.conversation?.conversationType !== 'personal') return;
    const { tenantId, userId } = identityOf(activity);
    if (!tenantId || !userId) return;
    const key = conversationKeys.user(tenantId, userId);
    // The usual turn: the same reference as last time, seen without building it.
    if (written.get(key) === activityFingerprint(activity)) return;
    const next = storedConversation(key, activity, deps.now());
    if (!next) return;
    const print = fingerprint(next.address, next.locale, next.client);
    if (written.get(key) === print) return;
    const stored = written.has(key) ? undefined : await deps.store.conversations.get(key);
    if (!stored || fingerprint(stored.address, stored.locale, stored.client) !== print) await deps.store.conversations.save(next);
    remember(key, print);
  };
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      try {
        await next();
      } finally {
        await capture(context.activity).catch((thrown) =>
          deps.logger.warn({ err: thrown }, 'could not keep a conversation reference'),
        );
      }
    },
  };
}
