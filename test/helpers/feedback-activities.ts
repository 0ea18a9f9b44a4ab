import { randomUUID } from 'node:crypto';

export interface FeedbackInvokeOptions {
  tenantId?: string;
  userId?: string | null;
  /** The id of the AI answer rated; null for none. */
  replyToId?: string | null;
  /** The whole invoke value (replaces the one built from reaction and feedback). */
  value?: unknown;
  reaction?: string;
  /** Teams: a JSON string (`{"feedbackText":"..."}`); the Agents Playground: plain text. */
  feedback?: unknown;
  locale?: string;
}

/** The `message/submitAction` invoke Teams posts when a user presses 👍/👎 on an AI answer (normal delivery). */
export function feedbackInvoke(o: FeedbackInvokeOptions = {}): Record<string, unknown> {
  const tenantId = o.tenantId ?? 'tenant-a';
  const userId = o.userId === undefined ? 'user-1' : o.userId;
  const replyToId = o.replyToId === undefined ? 'answer-1' : o.replyToId;
  return {
    type: 'invoke',
    name: 'message/submitAction',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/',
    ...(o.locale ? { locale: o.locale } : {}),
    from: { id: `29:${userId ?? 'anon'}`, ...(userId ? { aadObjectId: userId } : {}), name: 'Test User' },
    recipient: { id: '28:bot', name: 'bot' },
    conversation: { id: 'conv-feedback', conversationType: 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
    ...(replyToId ? { replyToId } : {}),
    value:
      'value' in o
        ? o.value
        : {
            actionName: 'feedback',
            actionValue: { reaction: o.reaction ?? 'dislike', ...('feedback' in o ? { feedback: o.feedback } : {}) },
          },
  };
}

/** Teams' form answer: the comment wrapped in a JSON string. */
export const teamsFeedback = (text: string): string => JSON.stringify({ feedbackText: text });
