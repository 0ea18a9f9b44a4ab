import type { Activity } from 'botbuilder';

export type ActivityCheck = { ok: true; activity: Activity } | { ok: false; message: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Shape check of an inbound activity before botbuilder sees it (its own parser throws on odd input). Only what the
 * pipeline relies on is required; ids are never checked for shape. Timestamps become Dates, as botbuilder expects.
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
