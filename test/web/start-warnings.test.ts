import { describe, expect, it } from 'vitest';
import { spawnEntryPoint } from '../helpers/child-process';
import { tempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait-for';

/**
 * restify loads spdy → http-deceiver, whose `process.binding('http_parser')` printed a DEP0111 deprecation warning
 * at every start. src/web/restify-module.ts drops exactly that warning while restify loads, and nothing else.
 */
// Each test starts a process under tsx (14–19 s to listen on 2 busy cores): 60 s of headroom.
describe('warnings at start', { timeout: 60_000 }, () => {
  it('the bot starts (development defaults, emulator included) without the DEP0111 warning', async () => {
    const bot = spawnEntryPoint('src/index.ts', [], { PORT: '0', DATA_DIR: tempDir('start-warnings-') });
    await waitFor(() => bot.stdout().includes('"msg":"bot listening"'), 45_000, 'the bot to listen');
    bot.child.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);
    expect(bot.stderr()).not.toContain('DEP0111');
    expect(bot.stderr()).not.toContain('DeprecationWarning');
  });

  it('restify loaded plainly still warns (the case above is not vacuous), and other warnings still show', async () => {
    const plain = spawnEntryPoint('test/helpers/print-warnings.ts', ['restify'], {});
    await plain.exited;
    expect(plain.stderr()).toContain("[DEP0111] DeprecationWarning: Access to process.binding('http_parser') is deprecated");
    const ours = spawnEntryPoint('test/helpers/print-warnings.ts', ['ours'], {});
    await ours.exited;
    expect(ours.stderr()).not.toContain('http_parser');
    expect(ours.stderr()).toContain('[DEP0111] DeprecationWarning: a later one is still shown');
  });
});
