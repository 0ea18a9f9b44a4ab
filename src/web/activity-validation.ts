import type { Activity } from 'botbuilder';
import { idProblem, type IdKind } from '../domain/external-ids';

export type ActivityCheck = { ok: true; activity: Activity } | { ok: false; message: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The ids of an activity that reach the store, URLs, the gate or the logs, with their caps (src/domain/external-ids.ts):
 * tenant and Entra object ids 128 characters, activity and channel user ids 256, conversation ids 1000.
 */
const CHECKED_IDS: readonly { path: string; read: (a: Record<string, unknown>) => unknown; kind: IdKind }[] = [
  { path: 'activity.id', read: (a) => a.id, kind: 'id' },
  { path: 'activity.conversation.id', read: (a) => field(a.conversation, 'id'), kind: 'conversation' },
  { path: 'activity.conversation.tenantId', read: (a) => field(a.conversation, 'tenantId'), kind: 'entra' },
  { path: 'activity.channelData.tenant.id', read: (a) => field(field(a.channelData, 'tenant'), 'id'), kind: 'entra' },
  { path: 'activity.from.id', read: (a) => field(a.from, 'id'), kind: 'id' },
  { path: 'activity.from.aadObjectId', read: (a) => field(a.from, 'aadObjectId'), kind: 'entra' },
  { path: 'activity.recipient.id', read: (a) => field(a.recipient, 'id'), kind: 'id' },
  { path: 'activity.replyToId', read: (a) => a.replyToId, kind: 'id' },
  { path: 'activity.channelId', read: (a) => a.channelId, kind: 'id' },
];

const field = (v: unknown, key: string): unknown => (isObject(v) ? v[key] : undefined);

/**
 * Shape check of an inbound activity before botbuilder sees it (its own parser throws on odd input). Only what the
 * pipeline relies on is required. Ids are not checked for a format (the Agents Playground's are not GUIDs), but an id,
 * when present, must be a string within its cap, without control characters or lone surrogates: anything else is a
 * 400 that names it, before it reaches a URL, the store or a log. Timestamps become Dates, as botbuilder expects.
 */
export function checkActivity(body: unknown): ActivityCheck {
  if (!isObject(body)) return { ok: false, message: 'The body must be a JSON object (a Bot Framework activity).' };
  const fail = (message: string): ActivityCheck => ({ ok: false, message });
  if (typeof body.type !== 'string' || body.type === '' || body.type.length > 64) return fail('activity.type is required.');
  if (typeof body.serviceUrl !== 'string' || body.serviceUrl === '') return fail('activity.serviceUrl is required.');
  if (!isObject(body.conversation) || typeof body.conversation.id !== 'string' || body.conversation.id === '') {
    return fail('activity.conversation.id is required.');
  }
  if (body.from !== undefined && !isObject(body.from)) return fail('activity.from must be an object.');
  if (body.recipient !== undefined && !isObject(body.recipient)) return fail('activity.recipient must be an object.');
  if (body.channelData !== undefined && !isObject(body.channelData)) return fail('activity.channelData must be an object.');
  if (body.entities !== undefined && !Array.isArray(body.entities)) return fail('activity.entities must be an array.');
  if (body.attachments !== undefined && (!Array.isArray(body.attachments) || !body.attachments.every(isObject))) {
    return fail('activity.attachments must be an array of objects.');
  }
  for (const id of CHECKED_IDS) {
    const value = id.read(body);
    if (value === undefined || value === null || value === '') continue;
    const problem = idProblem(value, id.kind);
    if (problem) return fail(`${id.path} ${problem}.`);
  }
  if (body.type === 'message') {
    if (typeof body.id !== 'string' || body.id === '')
      return fail('activity.id is required on messages (it makes redeliveries safe).');
    if (body.text !== undefined && body.text !== null && typeof body.text !== 'string')
      return fail('activity.text must be a string.');
  }
  for (const key of ['timestamp', 'localTimestamp', 'expiration'] as const) {
    const value = body[key];
    if (typeof value !== 'string') continue;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return fail(`activity.${key} is not a valid date.`);
    body[key] = date;
  }
  return { ok: true, activity: body as unknown as Activity };
}
