/**
 * Terminal chat with the running bot over HTTP (deliveryMode "expectReplies"), as a chosen tenant and user.
 *
 *   npm run chat -- [--url http://127.0.0.1:$PORT] [--tenant <id>] [--user <id>] [--name <display name>]
 *                   [--conversation <id>] [--group] [--locale fr-FR]
 *
 * Defaults: the bot `npm start` runs with the same settings (`PORT`, `HOST`, the .env file), as the Agents
 * Playground's tenant and admin user, which it seeds with a subscription. `--locale` is the Teams client's language
 * (the activity's `locale`): the bot answers in it when it speaks it (English and French), in English otherwise.
 * Works against a bot without a bot app id (development): with one, the bot rightly refuses unsigned requests.
 */
import { randomUUID } from 'node:crypto';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { renderReply, type ReplyActivity } from '../src/cli/card-text';
import { localBotUrl, PLAYGROUND_TENANT_ID, PLAYGROUND_USER_ID, processEnvironment } from '../src/config';
import { coerceError } from '../src/domain/errors';

const options = {
  url: { type: 'string' },
  tenant: { type: 'string', default: PLAYGROUND_TENANT_ID },
  user: { type: 'string', default: PLAYGROUND_USER_ID },
  name: { type: 'string', default: 'Playground admin' },
  conversation: { type: 'string' },
  group: { type: 'boolean', default: false },
  locale: { type: 'string', default: 'en-US' },
} as const;

type Options = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'] & { url: string };

async function send(values: Options, conversationId: string, text: string): Promise<void> {
  const activity = {
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1/expect-replies',
    deliveryMode: 'expectReplies',
    from: { id: `29:${values.user}`, aadObjectId: values.user, name: values.name },
    recipient: { id: '28:bot', name: 'bot' },
    conversation: { id: conversationId, tenantId: values.tenant, conversationType: values.group ? 'groupChat' : 'personal' },
    channelData: { tenant: { id: values.tenant } },
    locale: values.locale,
    text,
  };
  let response: Response;
  try {
    response = await fetch(`${values.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
  } catch {
    console.log(`(cannot reach the bot at ${values.url}: is it running? Start it with "npm start".)`);
    return;
  }
  const body = (await response.json().catch(() => ({}))) as { activities?: ReplyActivity[]; message?: string };
  if (!response.ok) {
    console.log(`(the bot answered HTTP ${response.status}: ${body.message ?? 'no details'})`);
    return;
  }
  const replies = (body.activities ?? []).map(renderReply).filter((r): r is string => !!r);
  console.log(replies.length ? replies.map((r) => `bot> ${r.replace(/\n/g, '\n     ')}`).join('\n') : '(no reply)');
}

async function main(): Promise<void> {
  const { values: given } = parseArgs({ options });
  const values = { ...given, url: given.url ?? localBotUrl(processEnvironment()) };
  const conversationId = values.conversation ?? `chat-${randomUUID()}`;
  console.log(`Chatting with ${values.url} as user ${values.user} of tenant ${values.tenant}. Type help, or Ctrl+D to quit.`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' });
  rl.prompt();
  for await (const line of rl) {
    if (line.trim()) await send(values, conversationId, line);
    rl.prompt();
  }
}

main().catch((thrown) => {
  console.error(`Chat failed: ${coerceError(thrown).message}`);
  process.exit(1);
});
