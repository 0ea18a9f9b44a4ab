import type { DestinationStream } from 'pino';

/**
 * Development logs for a person at a terminal: one short line per event (`14:03:07.412 INFO  bot listening
 * url=…`), an error's stack below its line. pino-pretty does the same when installed (see `src/logger.ts`); this
 * is the small fallback, so development never needs it. Production and non-terminal output stay JSON.
 */
export function prettyLogStream(output: { write(text: string): unknown }, colors = true): DestinationStream {
  return { write: (line: string) => void output.write(formatLogLine(line, colors)) };
}

const LEVELS: Record<number, [label: string, color: number]> = {
  10: ['TRACE', 90],
  20: ['DEBUG', 36],
  30: ['INFO ', 32],
  40: ['WARN ', 33],
  50: ['ERROR', 31],
  60: ['FATAL', 35],
};
/** Shown in the line's head, or the same on every line. */
const HEAD_FIELDS = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);
const GREY = 90;

/** One pino JSON line as text; a line that is not JSON is passed through. */
export function formatLogLine(line: string, colors = true): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const paint = (color: number, text: string) => (colors ? `\x1b[${color}m${text}\x1b[0m` : text);
  const [label, color] = LEVELS[entry.level as number] ?? [String(entry.level), 0];
  const fields: string[] = [];
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (HEAD_FIELDS.has(key)) continue;
    const stack = (value as { stack?: unknown } | null)?.stack;
    if (typeof stack === 'string') stacks.push(`\n    ${stack.replace(/\n/g, '\n    ')}`);
    fields.push(`${paint(GREY, `${key}=`)}${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  const head = `${paint(GREY, localTime(entry.time))} ${paint(color, label)} ${typeof entry.msg === 'string' ? entry.msg : entry.msg == null ? '' : JSON.stringify(entry.msg)}`;
  return `${[head, ...fields].join(' ')}${stacks.join('')}\n`;
}

function localTime(time: unknown): string {
  const at = new Date(typeof time === 'string' || typeof time === 'number' ? time : Date.now());
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, '0')}`;
}
