import pino from 'pino';
import { prettyLogStream } from './pretty-log-stream';

/**
 * Structured logs, one line per event, with tenant/subscription/operation ids. Never secrets, tokens or message
 * text: the paths below are redacted as a safety net, but the rule is not to pass them in the first place.
 */
export type Logger = pino.Logger;

export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-ms-marketplace-token"]',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'text',
  '*.text',
];

/** How deep an error's `cause` chain is followed in a log line. */
const MAX_CAUSES = 5;

/**
 * The `err` of a log line: type, message, code, stack and the `cause` chain, and nothing else. Not pino's standard
 * serializer, which copies every enumerable property: an HTTP client's error carries its request configuration,
 * headers and bearer token included.
 */
export function serializeError(thrown: unknown, depth = 0): Record<string, unknown> | string {
  if (!(thrown instanceof Error)) return typeof thrown === 'string' ? thrown : `[${typeof thrown}]`;
  const code = (thrown as { code?: unknown }).code;
  return {
    type: thrown.name,
    message: thrown.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(thrown.stack ? { stack: thrown.stack } : {}),
    ...(thrown.cause !== undefined && depth < MAX_CAUSES ? { cause: serializeError(thrown.cause, depth + 1) } : {}),
  };
}

/**
 * Logs carry errors as `{ err }` (an Error or anything thrown): serialized with stack and cause, once, where the
 * error is handled.
 */
export function createLogger(level: pino.LevelWithSilent = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'teams-saas-bot' },
      serializers: { err: serializeError },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** `json`: pino's lines; `pretty`: one readable line per event; `auto`: pretty in development on a terminal. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * Where an entry point's logger writes: stdout as JSON (undefined: pino's own destination) unless the format asks
 * for readable lines. `auto` keeps JSON in production and whenever stdout is not a terminal (a pipe, a file, App
 * Service, a test's child process), where a program reads it. pino-pretty is used when installed.
 */
export function logDestination(
  format: LogFormat,
  production: boolean,
  stdout: { isTTY?: boolean; write(text: string): unknown } = process.stdout,
): pino.DestinationStream | undefined {
  const pretty = format === 'pretty' || (format === 'auto' && !production && stdout.isTTY === true);
  if (!pretty) return undefined;
  return pinoPretty(stdout) ?? prettyLogStream(stdout, stdout.isTTY === true);
}

type PinoPretty = (options: Record<string, unknown>) => pino.DestinationStream;

/** pino-pretty, if the project has it (an optional development dependency). */
function pinoPretty(stdout: { isTTY?: boolean; write(text: string): unknown }): pino.DestinationStream | undefined {
  let load: PinoPretty;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- pino-pretty is optional (development only): loaded only when asked for
    load = require('pino-pretty') as PinoPretty;
  } catch {
    return undefined;
  }
  return load({
    colorize: stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    destination: stdout === process.stdout ? 1 : stdout,
    sync: true,
  });
}

/** A logger that writes nothing (tests that do not look at logs). */
export const silentLogger: Logger = pino({ level: 'silent' });
