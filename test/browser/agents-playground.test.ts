/// <reference lib="dom" />
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot } from '../helpers/bot-process';
import { tempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait-for';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../..');
const OUTPUT = path.join(ROOT, 'test-output', 'playground');
const PLAYGROUND_CLI = path.join(ROOT, 'node_modules/@microsoft/m365agentsplayground/cli.js');

/** A port free right now on 127.0.0.1 (the Playground takes a port number, not 0). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the Agents Playground CLI against the bot and resolves once its web page is served. */
function startPlayground(botUrl: string, port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PLAYGROUND_CLI, '-e', `${botUrl}/api/messages`, '-c', 'msteams', '-p', String(port), '--dt'], {
      cwd: tempDir('playground-'),
      env: { PATH: process.env.PATH, HOME: tempDir('playground-home-'), TEAMSAPPTESTER_BROWSER: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(`Listening on ${port}`)) resolve(child);
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`Agents Playground exited with ${code}: ${out.slice(-500)}`)));
  });
}

/** Messages of the chat pane, oldest first (each bot message's text, cards included). */
async function chatTexts(page: Page): Promise<string[]> {
  return page.$$eval('[data-tid="chat-pane-message"], .fui-ChatMessage, [class*="message"]', (els) =>
    els.map((e) => (e as HTMLElement).innerText),
  );
}

/**
 * Microsoft's own local Teams client, the Agents Playground, in Debian's Chromium, against the bot started as in
 * development (`npm start`: embedded store, offline model, the Playground's tenant seeded and its user an admin and
 * operator). What a Store reviewer would try first. Screenshots go to test-output/playground/.
 */
describe.skipIf(!fs.existsSync(CHROMIUM))('the bot in the Microsoft 365 Agents Playground (Chromium)', () => {
  let bot: Awaited<ReturnType<typeof startBot>>;
  let playground: ChildProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    bot = await startBot({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), NODE_ENV: 'development', LOG_LEVEL: 'info' });
    const port = await freePort();
    playground = await startPlayground(bot.url, port);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    fs.mkdirSync(OUTPUT, { recursive: true });
    await page.goto(`http://127.0.0.1:${port}/`);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    playground?.kill('SIGKILL');
    bot?.child.kill('SIGKILL');
  });

  /** Types a message as the user and waits until the bot's reply containing `expected` is shown. */
  async function say(text: string, expected: RegExp, screenshot: string): Promise<void> {
    const shown = page.getByText(expected);
    const before = await shown.count();
    const box = page.getByRole('textbox').first();
    await box.fill(text);
    await box.press('Enter');
    await waitFor(async () => (await shown.count()) > before, 30_000, `a reply matching ${String(expected)}`);
    await page.screenshot({ path: path.join(OUTPUT, `${screenshot}.png`) });
  }

  it('shows the welcome card on install', { timeout: 90_000 }, async () => {
    await page.getByText(/Hi, I.m /).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(OUTPUT, '01-welcome.png') });
  });

  it('answers hello and help with the help card', { timeout: 90_000 }, async () => {
    await say('hello', /Admin commands/, '02-hello');
    await say('help', /Admin commands/, '03-help');
  });

  it('shows usage and stats to the admin', { timeout: 90_000 }, async () => {
    await say('usage', /Usage this period/, '04-usage');
    await say('stats', /per day/i, '05-stats');
  });

  it('answers a question with an AI-labelled answer', { timeout: 90_000 }, async () => {
    await say('What can you do for my team?', /AI generated|AI-generated/i, '06-answer');
    expect((await chatTexts(page)).join('\n')).not.toMatch(/\bundefined\b|\[object Object\]/);
  });

  it('takes a 👎 with a comment as a content report, which the operator lists', { timeout: 90_000 }, async () => {
    await page.getByRole('button', { name: 'Dislike' }).last().click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('textarea').fill('It made up a product feature');
    await page.screenshot({ path: path.join(OUTPUT, '07-dislike.png') });
    await dialog.getByRole('button', { name: 'Submit' }).click();
    // The bot answered the invoke: the Playground thanks the user.
    await page.getByText('Thank you!').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByText('Thank you!').waitFor({ state: 'hidden' });
    // The Playground's user is the development operator: `reports` lists the report just made.
    await say('reports', /It made up a product feature/, '08-reports');
  });

  it('speaks French to a French Teams client (an activity with locale fr-FR)', { timeout: 90_000 }, async () => {
    // The Playground always sends en-US: its "Custom activity" sends the same chat's message with another locale.
    await page.getByRole('button', { name: 'Mock an Activity' }).click();
    await page.getByText('Custom activity', { exact: true }).click();
    const editor = page.locator('.monaco-editor textarea');
    await editor.waitFor();
    const generated = await page.locator('.monaco-editor .view-lines').innerText();
    const serviceUrl = /"serviceUrl":\s*"([^"]+)"/.exec(generated)?.[1];
    const conversationId = /"conversation":\s*\{\s*"id":\s*"([^"]+)"/.exec(generated)?.[1];
    expect(serviceUrl && conversationId, generated).toBeTruthy();
    const activity = {
      type: 'message',
      id: `fr-${Date.now()}`,
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl,
      locale: 'fr-FR',
      text: 'aide',
      from: { id: 'user-id-0', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-0000000000020' },
      recipient: { id: '00000000-0000-0000-0000-00000000000011', name: 'Test Bot' },
      conversation: { id: conversationId, conversationType: 'personal', tenantId: '00000000-0000-0000-0000-0000000000001' },
      channelData: { tenant: { id: '00000000-0000-0000-0000-0000000000001' } },
    };
    await editor.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(JSON.stringify(activity));
    const shown = page.getByText(/Commandes d’administration/);
    const before = await shown.count();
    await page.getByRole('button', { name: 'Send activity' }).click();
    await waitFor(async () => (await shown.count()) > before, 30_000, 'the French help card');
    await page.getByText(/Commandes d’administration/).last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUTPUT, '09-aide-fr.png') });
  });
});
