import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DAY, HOUR } from '../../src/domain/clock';
import { mulberry32 } from '../../src/domain/seeded-random';
import { migrate } from '../../src/store/sqlite/migrate';

/**
 * The publisher console benchmark's data: `subscriptions` customers and `events` answered turns over `days` days
 * ending at `now`, plus what the pages read (metered hours, operations, admins), written straight into a SQLite file
 * in big transactions with prepared statements. The file is built once under a name holding its parameters and
 * reused by later runs (a partial file from an interrupted run is never used).
 */
export interface ConsoleDataSpec {
  subscriptions: number;
  events: number;
  days: number;
  now: Date;
}

const PLANS = ['business', 'business', 'enterprise', 'starter', 'team-seat', 'team-plus'] as const;
const PER_USER = new Set(['team-seat', 'team-plus']);
const pad = (n: number) => String(n).padStart(6, '0');
export const subscriptionId = (i: number) => `s${pad(i)}`;
export const tenantId = (i: number) => `t${pad(i)}`;

export function consoleDataFile(dir: string, spec: ConsoleDataSpec): string {
  return path.join(dir, `console-${spec.subscriptions}s-${spec.events}e-${spec.days}d-${spec.now.toISOString().slice(0, 10)}-v2.sqlite`);
}

/** Builds the file unless it exists; returns whether it was built now. */
export function ensureConsoleData(file: string, spec: ConsoleDataSpec, log: (line: string) => void): boolean {
  if (fs.existsSync(file)) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  const db = new Database(partial);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  migrate(db);
  // Bulk load first, secondary indexes after: one sort each instead of 10 million random insertions.
  db.exec('DROP INDEX ix_usage_events_subscription_time; DROP INDEX ix_usage_events_time;');
  const random = mulberry32(12);
  const nowMs = spec.now.getTime();
  const start = nowMs - spec.days * DAY;

  const status = (r: number) => (r < 0.85 ? 'Subscribed' : r < 0.9 ? 'Suspended' : r < 0.97 ? 'Unsubscribed' : 'PendingFulfillmentStart');
  const subs: { id: string; tenant: string; plan: string; status: string }[] = [];
  const insertSub = db.prepare(`INSERT INTO subscriptions (id, name, offer_id, plan_id, quantity, status, purchaser_tenant_id,
      purchaser_object_id, purchaser_email, beneficiary_tenant_id, beneficiary_object_id, beneficiary_email, term_start,
      term_unit, auto_renew, created_at, updated_at, activated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'P1M', 1, ?, ?, ?)`);
  const insertAdmin = db.prepare(
    'INSERT INTO tenant_admins (tenant_id, user_id, user_name, added_by, added_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertOp = db.prepare(`INSERT INTO subscription_operations (operation_id, subscription_id, action, source, status,
      from_status, to_status, from_plan_id, to_plan_id, created_at) VALUES (?, ?, ?, ?, 'Applied', ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < spec.subscriptions; i++) {
      const plan = PLANS[i % PLANS.length]!;
      const s = { id: subscriptionId(i), tenant: tenantId(i), plan, status: status(random()) };
      subs.push(s);
      const created = Math.floor(start - 30 * DAY + random() * (spec.days * DAY)) ;
      const termStart = Math.floor(created / DAY) * DAY;
      insertSub.run(
        s.id,
        `Customer ${i} Ltd`,
        PER_USER.has(plan) ? 'teams-ai-assistant-users' : 'teams-ai-assistant',
        plan,
        PER_USER.has(plan) ? 5 + Math.floor(random() * 45) : null,
        s.status,
        s.tenant,
        `${s.tenant}-buyer`,
        `buyer@${s.tenant}.example`,
        s.tenant,
        `${s.tenant}-buyer`,
        `buyer@${s.tenant}.example`,
        termStart,
        created,
        created,
        created + HOUR,
      );
      insertAdmin.run(s.tenant, `${s.tenant}-buyer`, `Admin ${i}`, 'landing', created + HOUR);
      insertOp.run(null, s.id, 'Activate', 'landing', 'PendingFulfillmentStart', 'Subscribed', plan, plan, created + HOUR);
      if (s.status !== 'Subscribed' && s.status !== 'PendingFulfillmentStart') {
        const at = created + HOUR + Math.floor(random() * Math.max(HOUR, nowMs - created - HOUR));
        insertOp.run(`op-${i}`, s.id, s.status === 'Suspended' ? 'Suspend' : 'Unsubscribe', 'webhook', 'Subscribed', s.status, plan, plan, at);
      }
      if (i % 7 === 0) insertOp.run(null, s.id, 'Reconcile', 'reconcile', s.status, s.status, plan, plan, created + 2 * DAY);
    }
  })();
  log(`subscriptions: ${spec.subscriptions}`);

  const live = subs.filter((s) => s.status !== 'PendingFulfillmentStart');
  const insertEvent = db.prepare(`INSERT INTO usage_events (id, tenant_id, activity_id, subscription_id, plan_id, user_id,
      conversation_id, conversation_type, dimension, quantity, billable, prompt_tokens, completion_tokens, total_tokens,
      processing_ms, text_length, occurred_at, period_start)
    VALUES (?, ?, ?, ?, ?, ?, 'c', 'personal', ?, ?, 0, 300, 120, 420, 900, 80, ?, ?)`);
  const step = (spec.days * DAY) / spec.events;
  const BATCH = 250_000;
  for (let from = 0; from < spec.events; from += BATCH) {
    db.transaction(() => {
      for (let k = from; k < Math.min(spec.events, from + BATCH); k++) {
        const s = live[Math.floor(random() * live.length)]!;
        const at = Math.floor(start + k * step);
        const d = new Date(at);
        const premium = random() < 0.1;
        insertEvent.run(
          `e${k.toString(36)}`,
          s.tenant,
          `a${k.toString(36)}`,
          s.id,
          s.plan,
          `u${Math.floor(random() * 40)}`,
          premium ? 'premium_messages' : 'messages',
          premium ? 1 + Math.floor(random() * 3) : 1,
          at,
          Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
        );
      }
    })();
    if ((from / BATCH) % 8 === 0) log(`events: ${Math.min(spec.events, from + BATCH)}`);
  }
  log('indexing events');
  db.exec(`CREATE INDEX ix_usage_events_subscription_time ON usage_events (subscription_id, occurred_at);
    CREATE INDEX ix_usage_events_time ON usage_events (occurred_at);`);

  // Metered hours: a third of the flat-rate plans with overage bill about 60 hours a year; a few need attention.
  const insertReport = db.prepare(`INSERT OR IGNORE INTO metered_usage_reports (subscription_id, dimension, hour_start,
      plan_id, quantity, status, attempts, usage_event_id, accepted_quantity, error_code, error_message, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`);
  let reports = 0;
  db.transaction(() => {
    for (const s of subs) {
      if ((s.plan !== 'business' && s.plan !== 'enterprise') || random() > 0.33) continue;
      for (let h = 0; h < 60; h++) {
        const hour = Math.floor((start + random() * (nowMs - start - 3 * HOUR)) / HOUR) * HOUR;
        const quantity = 1 + Math.floor(random() * 200);
        const r = random();
        const st = r < 0.998 ? 'Accepted' : r < 0.9985 ? 'Failed' : r < 0.999 ? 'Conflict' : 'Held';
        insertReport.run(
          s.id,
          s.plan === 'enterprise' || random() < 0.2 ? 'premium_messages' : 'messages',
          hour,
          s.plan,
          quantity,
          st,
          st === 'Accepted' ? `ev-${reports}` : null,
          st === 'Accepted' ? quantity : st === 'Conflict' ? quantity + 1 : null,
          st === 'Failed' ? 'InvalidQuantity' : st === 'Held' ? 'ResourceNotActive' : null,
          st === 'Failed' ? 'The quantity is invalid' : null,
          hour + 2 * HOUR,
          hour + 2 * HOUR,
        );
        reports += 1;
      }
    }
  })();
  log(`metered hours: ${reports}`);
  db.exec('ANALYZE');
  db.pragma('journal_mode = WAL');
  db.close();
  fs.renameSync(partial, file);
  return true;
}
