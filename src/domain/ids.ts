import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): 48-bit Unix milliseconds followed by random bits. Ids created later sort later, so
 * inserts land at the end of an index instead of on random pages (cheaper writes), and they stay unique across
 * processes thanks to the random part (taken from a v4 UUID, whose variant bits are already right).
 */
export function timeOrderedId(now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19)}`;
}
