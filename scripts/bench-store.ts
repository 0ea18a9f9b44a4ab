/**
 * `npm run bench:store [-- --turns N --batch B --conversations C]`: the embedded store's work of one admitted turn,
 * in process, without HTTP or a model: the claim before the AI call (waited on), the history read, then the usage
 * record and the history write (background, as after a reply). `B` turns start together, as the turns that reach the
 * server in one turn of its event loop do, and their background writes wait in the group commit while the next
 * turns claim. A finer and steadier measure than `bench:turns` for changes to the store (statements, indexes,
 * commits): its figures move far less with the host's mood. WAL checkpoints are off while it measures, so that the
 * frames the turns write can be counted. Last line, one JSON object:
 * {"turns":…,"batch":…,"cpuUsPerTurn":…,"sysUsPerTurn":…,"walFramesPerTurn":…}
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { appendExchange, historyExpiry, historyKeyOf } from '../src/domain/conversation-history';
import { timeOrderedId } from '../src/domain/ids';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store';
import { benchSubscription } from './bench/bench-subscription';

const { values } = parseArgs({
  options: {
    turns: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '4' },
    conversations: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '3000' },
  },
});
const TURNS = Number(values.turns);
const BATCH = Number(values.batch);
const CONVERSATIONS = Number(values.conversations);
const TENANT = 'bench-tenant';
const SUBSCRIPTION = 'bench-subscription';
const LIMITS = { maxExchanges: 5, maxTokens: 4000, ttlMs: 24 * 3_600_000 };

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-store-'));
  const store = openSqliteStore(path.join(dir, 'bot.sqlite'));
  const subscription = benchSubscription(SUBSCRIPTION, TENANT);
  await store.subscriptions.upsert(subscription);
  const periodStart = subscription.term!.startDate;

  let activity = Date.now();
  const background: Promise<unknown>[] = [];
  const turn = async (i: number) => {
    const activityId = String(activity++);
    const conversationId = `conv-${i % CONVERSATIONS}`;
    const claimed = await store.usage.claim({
      tenantId: TENANT,
      activityId,
      subscriptionId: SUBSCRIPTION,
      periodStart,
      holds: [],
      at: new Date(),
    });
    if (!claimed.ok) throw new Error(`turn ${i}: claim refused (${claimed.reason})`);
    const key = historyKeyOf({ tenantId: TENANT, conversationId });
    const history = await store.history.load(key, new Date());
    const at = new Date();
    const user = `Question number ${i}: what is the weather like?`;
    background.push(
      store.usage.record(
        {
          event: {
            id: timeOrderedId(),
            tenantId: TENANT,
            activityId,
            subscriptionId: SUBSCRIPTION,
            planId: 'business',
            userId: `user-${i % CONVERSATIONS}`,
            conversationId,
            conversationType: 'personal',
            dimension: 'messages',
            quantity: 1,
            promptTokens: 20,
            completionTokens: 7,
            totalTokens: 27,
            processingMs: 1,
            attachmentCount: 0,
            textLength: user.length,
            occurredAt: at,
            periodStart,
          },
          included: 5000,
          overage: true,
          reserved: true,
          unitsHeld: false,
          userName: `User ${i % CONVERSATIONS}`,
        },
        { background: true },
      ),
      store.history.save(
        {
          key,
          tenantId: TENANT,
          exchanges: appendExchange(
            history.exchanges,
            { user, assistant: 'Here is a short answer from a model that takes no time at all.', tokens: 27, userTokens: 12, at },
            LIMITS,
          ),
          expiresAt: historyExpiry(at, LIMITS),
          at,
          expectedVersion: history.version,
        },
        { background: true },
      ),
    );
  };
  const run = async (turns: number) => {
    for (let i = 0; i < turns; i += BATCH) await Promise.all(Array.from({ length: BATCH }, (_, j) => turn(i + j)));
    await Promise.all(background.splice(0));
  };

  try {
    await run(Number(values.warmup));
    store.db.pragma('wal_autocheckpoint = 0');
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const before = process.cpuUsage();
    await run(TURNS);
    const cpu = process.cpuUsage(before);
    const [wal] = store.db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    const per = (n: number) => Math.round((n / TURNS) * 10) / 10;
    console.log(
      JSON.stringify({
        turns: TURNS,
        batch: BATCH,
        cpuUsPerTurn: per(cpu.user + cpu.system),
        sysUsPerTurn: per(cpu.system),
        walFramesPerTurn: Math.round((wal!.log / TURNS) * 100) / 100,
      }),
    );
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
