import { describe, expect, it } from 'vitest';
import { createLogger, logDestination } from '../src/logger';
import { formatLogLine, prettyLogStream } from '../src/pretty-log-stream';

/** A stdout stand-in: a terminal or not. */
function output(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, write: (text: string) => void written.push(text), text: () => written.join('') };
}

const ANSI = /\x1b\[\d+m/g;

describe('log output', () => {
  it('is readable lines in development on a terminal, with fields, redaction and stacks', () => {
    const out = output(true);
    const logger = createLogger('info', prettyLogStream(out));
    logger.info({ tenantId: 'tenant-a', attempts: 2, text: 'personal' }, 'turn answered');
    const err = new Error('boom');
    logger.error({ err }, 'request failed');
    const [first, second] = out.text().replace(ANSI, '').split('\n');
    expect(first).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  turn answered tenantId=tenant-a attempts=2 text=\[redacted\]$/);
    expect(second).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR request failed err=\{/);
    expect(out.text()).toContain(`\n    Error: boom\n        at `);
    expect(out.text()).toMatch(ANSI);
    expect(out.text()).not.toContain('service');
  });

  it('chooses JSON in production and when stdout is not a terminal; LOG_FORMAT can force either', () => {
    expect(logDestination('auto', true, output(true))).toBeUndefined();
    expect(logDestination('auto', false, output(false))).toBeUndefined();
    expect(logDestination('json', false, output(true))).toBeUndefined();
    for (const [format, tty] of [
      ['auto', true],
      ['pretty', false],
    ] as const) {
      const out = output(tty);
      createLogger('info', logDestination(format, false, out)).info({ tenantId: 'tenant-a' }, 'hello');
      // pino-pretty, when installed, lays fields out its own way: only "not JSON, and all there" is common.
      expect(out.text()).not.toMatch(/^\{/);
      expect(out.text()).toMatch(/INFO.*hello/);
      expect(out.text()).toContain('tenant-a');
    }
  });

  it('keeps LOG_LEVEL', () => {
    const out = output(true);
    const logger = createLogger('warn', logDestination('auto', false, out));
    logger.info('not shown');
    logger.warn('shown');
    expect(out.text()).not.toContain('not shown');
    expect(out.text()).toContain('shown');
  });

  it('passes a line that is not JSON through, and colours nothing off a terminal', () => {
    expect(formatLogLine('plain text\n', false)).toBe('plain text\n');
    const line = JSON.stringify({ level: 40, time: '2026-01-02T03:04:05.678Z', msg: 'careful', plan: { id: 'basic' } });
    expect(formatLogLine(line, false)).toMatch(/^\d\d:\d\d:05\.678 WARN  careful plan=\{"id":"basic"\}\n$/);
  });
});
