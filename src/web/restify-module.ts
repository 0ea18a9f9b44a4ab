import type * as Restify from 'restify';

const HTTP_PARSER_BINDING = "process.binding('http_parser')";

/**
 * restify, loaded without the `DEP0111` warning ("Access to process.binding('http_parser') is deprecated") that
 * every start used to print. restify 11's server.js requires `spdy` at load for its HTTP/2 option, which we never
 * use; spdy loads `http-deceiver`, whose module body calls `process.binding('http_parser')`. Node reports that
 * through `process.emitWarning`, so exactly that warning is dropped, and only during this one synchronous require:
 * every other warning, and a DEP0111 from anywhere else or later, is still printed.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous load, so the warning filter covers exactly this require
export const restify: typeof Restify = withoutHttpParserWarning(() => require('restify') as typeof Restify);

function withoutHttpParserWarning<T>(load: () => T): T {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the original, put back as it was (called with `this` below)
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    // emitWarning(warning, type?, code?) or emitWarning(warning, { type, code }).
    const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: unknown }).code : rest[1];
    const message = typeof warning === 'string' ? warning : warning.message;
    if (code === 'DEP0111' && message.includes(HTTP_PARSER_BINDING)) return;
    (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  };
  try {
    return load();
  } finally {
    process.emitWarning = emitWarning;
  }
}
