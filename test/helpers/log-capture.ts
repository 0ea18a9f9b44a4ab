import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger';

/** The lines an app logs, parsed, for tests that assert on what was (or was not) logged. */
export interface CapturedLogs {
  /** A logger at `info` that writes into `lines`. */
  logger: Logger;
  /** Every line logged so far, parsed from pino's JSON. */
  lines: Record<string, unknown>[];
  /** The lines whose message is `msg`. */
  logged(msg: string): Record<string, unknown>[];
}

export function captureLogs(): CapturedLogs {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', sink), lines, logged: (msg) => lines.filter((l) => l.msg === msg) };
}
