/**
 * Ids that come from outside (webhook bodies, Bot Framework activities, query strings) are checked before anything
 * uses them: a 70 KB id, a control character or a lone UTF-16 surrogate would otherwise reach a URL
 * (`encodeURIComponent` throws on lone surrogates), an HTTP header, a database column or a log line, and end as a
 * 5xx (which the Marketplace retries for hours) or a flooded log.
 *
 * Length caps, in characters:
 * - `guid` 36: Marketplace subscription and operation ids are GUIDs.
 * - `entra` 128: Entra tenant and object ids (GUIDs; the Agents Playground's are not quite), the store's column size.
 * - `id` 256: activity ids, Bot Framework user ids (`from.id`), Marketplace activity ids; the store's activity column.
 * - `conversation` 1000: Teams conversation ids carry thread and message suffixes; the store's column size.
 */
export const ID_MAX_LENGTH = { guid: 36, entra: 128, id: 256, conversation: 1000 } as const;
export type IdKind = keyof typeof ID_MAX_LENGTH;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** C0 and C1 controls, DEL, line and paragraph separators: never part of an id, and they break log lines. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

/**
 * What is wrong with an id from outside, or `null` when it may be used. `guid` ids must be GUIDs; the others any
 * non-empty text within their cap, without control characters or lone surrogates.
 */
export function idProblem(value: unknown, kind: IdKind): string | null {
  if (typeof value !== 'string' || value === '') return 'is missing or not a string';
  if (value.length > ID_MAX_LENGTH[kind]) return `is longer than ${ID_MAX_LENGTH[kind]} characters`;
  if (kind === 'guid') return GUID.test(value) ? null : 'is not a GUID';
  if (CONTROL.test(value)) return 'contains control characters';
  if (LONE_SURROGATE.test(value)) return 'is not valid Unicode';
  return null;
}

/** How much of an untrusted value a log line shows. */
export const LOGGED_ID_MAX_LENGTH = 64;

/**
 * An untrusted value as it may appear in a log: at most `max` characters, control characters and lone surrogates
 * escaped (`\u0000`), and the original length when it was cut. Never the whole of a huge value.
 */
export function loggable(value: unknown, max = LOGGED_ID_MAX_LENGTH): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || typeof value === 'symbol'
        ? String(value)
        : `[${Array.isArray(value) ? 'array' : typeof value}]`;
  const cut = text.length > max ? text.slice(0, max) : text;
  const escaped = cut.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return text.length > max ? `${escaped}…(${text.length} chars)` : escaped;
}
