/**
 * Child process of test/web/start-warnings.test.ts: loads restify plainly (`restify`) or through
 * src/web/restify-module.ts (`ours`), then emits one more DEP0111 warning, which must always be printed.
 */
// The loads under test are synchronous requires, as in the app.
// eslint-disable-next-line @typescript-eslint/no-require-imports
if (process.argv[2] === 'ours') require('../../src/web/restify-module');
// eslint-disable-next-line @typescript-eslint/no-require-imports
else require('restify');
process.emitWarning('a later one is still shown', 'DeprecationWarning', 'DEP0111');
