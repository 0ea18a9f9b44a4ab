import { randomUUID } from 'node:crypto';

export interface MessageOptions {
  tenantId?: string | null;
  userId?: string | null;
  userName?: string;
  text?: string;
  id?: string;
  conversationId?: string;
  conversationType?: string;
  attachments?: { contentType: string; content?: unknown; contentUrl?: string; name?: string }[];
  expectReplies?: boolean;
  /** The client's `clientInfo.platform` as Teams sends it ('ios', 'android', 'windows', 'web', …); none when absent. */
  platform?: string;
  /** The activity's `locale` as Teams sends it ('fr-FR', 'en-US'); none when absent. */
  locale?: string;
}

/** A Teams-like message activity (what the channel posts to /api/messages). */
export function messageActivity(o: MessageOptions = {}): Record<string, unknown> {
  const tenantId = o.tenantId === undefined ? 'tenant-a' : o.tenantId;
  const userId = o.userId === undefined ? 'user-1' : o.userId;
  return {
    type: 'message',
    id: o.id ?? randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/',
    from: { id: `29:${userId ?? 'anon'}`, ...(userId ? { aadObjectId: userId } : {}), name: o.userName ?? 'Test User' },
    recipient: { id: '28:bot', name: 'bot' },
    conversation: {
      id: o.conversationId ?? `conv-${randomUUID()}`,
      conversationType: o.conversationType ?? 'personal',
      ...(tenantId ? { tenantId } : {}),
    },
    ...(tenantId ? { channelData: { tenant: { id: tenantId } } } : {}),
    text: o.text ?? 'Hello, what can you do?',
    ...(o.attachments ? { attachments: o.attachments } : {}),
    ...(o.locale ? { locale: o.locale } : {}),
    ...(o.platform ? { entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: o.platform }] } : {}),
    ...(o.expectReplies === false ? {} : { deliveryMode: 'expectReplies' }),
  };
}

export interface ReplyActivity {
  type: string;
  text?: string;
  attachments?: {
    contentType: string;
    content: {
      body?: { type: string; text?: string; facts?: { title: string; value: string }[] }[];
      actions?: { title: string; url: string }[];
    };
  }[];
}

/** All the text a reply shows: message text and the card's text blocks, facts and action titles. */
export function replyText(reply: ReplyActivity | undefined): string {
  if (!reply) return '';
  const parts = [reply.text ?? ''];
  for (const a of reply.attachments ?? []) {
    for (const el of a.content?.body ?? []) {
      if (el.text) parts.push(el.text);
      for (const f of el.facts ?? []) parts.push(`${f.title}: ${f.value}`);
    }
    for (const act of a.content?.actions ?? []) parts.push(`[${act.title}](${act.url})`);
  }
  return parts.filter(Boolean).join('\n');
}

export async function postActivity(baseUrl: string, activity: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof activity === 'string' ? activity : JSON.stringify(activity),
  });
  const text = await response.text();
  let body: { activities?: ReplyActivity[]; error?: string; message?: string } = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    // Non-JSON bodies are asserted on by status.
  }
  const replies = (body.activities ?? []).filter((a) => a.type === 'message');
  return { status: response.status, body, raw: text, replies, text: replies.map(replyText).join('\n---\n') };
}
