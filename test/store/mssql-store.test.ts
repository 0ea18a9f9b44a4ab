import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TokenCredential } from '@azure/identity';
import * as sql from 'mssql';
import { Connection } from 'tedious';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_CATALOG } from '../../src/domain/default-plan-catalog';
import { parseCatalog } from '../../src/domain/catalog-parser';
import { silentLogger } from '../../src/logger';
import { buildConnectionConfig, parseServer } from '../../src/store/mssql/mssql-connection';
import type { MssqlDatabase, QueryResult, Queryable, SqlParams } from '../../src/store/mssql/mssql-database';
import { mssqlAdmins } from '../../src/store/mssql/mssql-admins';
import { mssqlMetering } from '../../src/store/mssql/mssql-metering';
import { forSchema, loadMigrations, migrate, splitBatches } from '../../src/store/mssql/mssql-migrate';
import { MssqlOutboxQueue } from '../../src/store/mssql/mssql-outbox-queue';
import { mssqlOperations } from '../../src/store/mssql/mssql-operations';
import { mssqlPlans } from '../../src/store/mssql/mssql-plans';
import { mssqlSeats } from '../../src/store/mssql/mssql-seats';
import { mssqlSubscriptions } from '../../src/store/mssql/mssql-subscriptions';
import { mssqlUsage } from '../../src/store/mssql/mssql-usage';
import { mssqlUsers } from '../../src/store/mssql/mssql-users';
import { openMssqlStore, type MssqlStore } from '../../src/store/mssql/mssql-store';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store';
import type { Store } from '../../src/store/store';
import { FakeClock } from '../helpers/fake-clock';
import { seedSubscription } from '../helpers/seed';
import { tempDir } from '../helpers/temp-dir';
import { describeUsageQueueContract, recordUsage } from '../queue/usage-queue-contract';
import { describeFeedbackContract } from './feedback-contract';
import { describeConsoleContract } from './console-contract';
import { mssqlRetentionHarness } from './mssql-retention-harness';
import { describeRetentionContract } from './retention-contract';
import { describeStoreContract, turnClaim, usageEvent } from './store-contract';
import { describeHistoryContract } from './history-contract';
import { describeBilledVsSentContract } from './billed-vs-sent-contract';
import { describeOutreachContract } from './outreach-contract';
import { describeTicketContract } from './tickets-contract';

const CONNECTION_STRING = process.env.MSSQL_CONNECTION_STRING;
const SQLITE_MIGRATIONS = path.resolve(__dirname, '../../src/store/sqlite/migrations');

describe('Azure SQL migrations (no server needed)', () => {
  it('splits a script on lines holding only GO, in any case, and drops empty batches', () => {
    const script = [
      '-- header',
      'CREATE TABLE a (x int);',
      'GO',
      '  go  ',
      'INSERT INTO a VALUES (1); -- GO here is a comment, not a separator',
      "SELECT N'GOTO' AS gone;",
      'Go -- with a comment',
      '-- only a comment',
      'GO',
      'CREATE INDEX ix ON a (x);\r',
      'GO\r',
    ].join('\n');
    expect(splitBatches(script)).toEqual([
      '-- header\nCREATE TABLE a (x int);',
      "INSERT INTO a VALUES (1); -- GO here is a comment, not a separator\nSELECT N'GOTO' AS gone;",
      'CREATE INDEX ix ON a (x);',
    ]);
  });

  it('fills in the schema and leaves no variable behind', () => {
    const all: string[] = [];
    for (const m of loadMigrations()) {
      const batches = splitBatches(forSchema(m.sql, '[t_1]'));
      expect(batches.length).toBeGreaterThan(0);
      for (const b of batches) expect(b).not.toContain('$(');
      all.push(...batches);
    }
    expect(all.join('\n')).toContain('CREATE TABLE [t_1].usage_events');
    expect(all.join('\n')).toContain('ALTER TABLE [t_1].metered_usage_reports');
    expect(all.join('\n')).toContain('ALTER TABLE [t_1].subscription_operations ADD operation_time');
  });

  it('keeps every table and column of the embedded schema, under the same names', () => {
    // Tables as the scripts leave them, in order: CREATE TABLE, columns added by ALTER TABLE … ADD [COLUMN], and
    // tables renamed or dropped (SQLite changes constraints by rebuilding a table under another name).
    const columnsOf = (script: string) => {
      const tables = new Map<string, string[]>();
      const statements =
        /CREATE TABLE (?:\$\(schema\)\.)?(\w+) \(([\s\S]*?)\n\)(?: WITHOUT ROWID)?;|ALTER TABLE (?:\$\(schema\)\.)?(\w+) ADD (?:COLUMN )?([^;']*)[;']|ALTER TABLE (\w+) RENAME TO (\w+);|DROP TABLE (\w+);/g;
      for (const [, created, body, altered, added, renamed, to, dropped] of script.matchAll(statements)) {
        if (created) {
          const columns = body!
            .split('\n')
            .map((line) => line.trim())
            .filter((line) => /^[a-z_]+\s/.test(line) && !/^(CONSTRAINT|PRIMARY|UNIQUE|FOREIGN)\b/i.test(line))
            .map((line) => line.split(/\s+/)[0]!);
          tables.set(created, columns.sort());
        } else if (altered && tables.has(altered) && !added!.startsWith('CONSTRAINT')) {
          const names = [...added!.matchAll(/(?:^|,\s*)(\w+)\s/g)].map((m) => m[1]!);
          tables.set(altered, [...new Set([...tables.get(altered)!, ...names])].sort());
        } else if (renamed) {
          tables.set(to!, tables.get(renamed)!);
          tables.delete(renamed);
        } else if (dropped) tables.delete(dropped);
      }
      return tables;
    };
    const all = (dir: string) =>
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.sql'))
        .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
        .join('\n');
    const sqlite = columnsOf(all(SQLITE_MIGRATIONS));
    const mssql = columnsOf(
      loadMigrations()
        .map((m) => m.sql)
        .join('\n'),
    );
    expect(sqlite.size).toBeGreaterThan(10);
    // The embedded store keeps the rollup job's progress as a rowid mark; Azure SQL, whose identities are handed out
    // before commit, marks each event instead (usage_events.rolled_up, added by ALTER TABLE): by design, no twin.
    for (const sqliteOnly of ['usage_rollup_state']) {
      expect(sqlite.delete(sqliteOnly)).toBe(true);
    }
    const events = mssql.get('usage_events')!;
    expect(events).toContain('rolled_up');
    mssql.set(
      'usage_events',
      events.filter((c) => c !== 'rolled_up'),
    );
    expect(Object.fromEntries(mssql)).toEqual(Object.fromEntries(sqlite));
  });
});

describe('Azure SQL connection settings (no server needed)', () => {
  const fakeCredential =
    (seen: (string | undefined)[]) =>
    (clientId: string | undefined): TokenCredential => {
      seen.push(clientId);
      return { getToken: async () => ({ token: 'not-a-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    };
  /** What mssql hands tedious, checked by tedious itself (its constructor validates and does not connect). */
  const tediousAccepts = (config: sql.config) => {
    const pool = new sql.ConnectionPool(config) as unknown as { _config(): ConstructorParameters<typeof Connection>[0] };
    const tediousConfig = pool._config();
    expect(() => new Connection(tediousConfig)).not.toThrow();
    return tediousConfig;
  };

  it('uses a connection string with a SQL login as given, always encrypted, with our pool size', () => {
    const seen: (string | undefined)[] = [];
    const config = buildConnectionConfig({
      store: {
        kind: 'mssql',
        connectionString: 'Server=tcp:db.example.net,1444;Database=bot;User Id=app;Password=p@ss;TrustServerCertificate=true',
        poolMax: 7,
      },
      makeCredential: fakeCredential(seen),
    });
    expect(config).toMatchObject({
      server: 'db.example.net',
      port: 1444,
      database: 'bot',
      user: 'app',
      password: 'p@ss',
      pool: { max: 7 },
      options: { encrypt: true, trustServerCertificate: true, useUTC: true, abortTransactionOnError: true },
    });
    expect(config.authentication).toBeUndefined();
    expect(seen).toEqual([]);
    expect(tediousAccepts(config)).toMatchObject({ authentication: { type: 'default', options: { userName: 'app' } } });
  });

  it('logs in with the managed identity when the connection string carries no credentials', () => {
    const seen: (string | undefined)[] = [];
    for (const connectionString of [
      'Server=db.example.net;Database=bot',
      'Server=db.example.net;Database=bot;Authentication=Active Directory Default',
    ]) {
      const config = buildConnectionConfig({
        store: { kind: 'mssql', connectionString, poolMax: 3 },
        azureClientId: 'mi-client-id',
        makeCredential: fakeCredential(seen),
      });
      expect(config.authentication?.type).toBe('token-credential');
      expect(tediousAccepts(config)).toMatchObject({ authentication: { type: 'token-credential' } });
    }
    expect(seen).toEqual(['mi-client-id', 'mi-client-id']);
  });

  it('logs in to server + database with an Entra token and no password', () => {
    const seen: (string | undefined)[] = [];
    const config = buildConnectionConfig({
      store: { kind: 'mssql', server: 'tcp:bot-sql.database.windows.net,1433', database: 'bot-db', poolMax: 12 },
      azureClientId: 'mi-client-id',
      makeCredential: fakeCredential(seen),
    });
    expect(config).toMatchObject({
      server: 'bot-sql.database.windows.net',
      port: 1433,
      database: 'bot-db',
      pool: { max: 12 },
      options: { encrypt: true, trustServerCertificate: false, useUTC: true, abortTransactionOnError: true },
      authentication: { type: 'token-credential' },
    });
    expect(config.user).toBeUndefined();
    expect(config.password).toBeUndefined();
    expect(seen).toEqual(['mi-client-id']);
    const tedious = tediousAccepts(config) as {
      authentication: { options: { credential: unknown } };
      options: { encrypt: boolean };
    };
    expect(tedious.options.encrypt).toBe(true);
    expect(tedious.authentication.options.credential).toBeDefined();
  });

  it('uses the default identity when no client id is configured', () => {
    const seen: (string | undefined)[] = [];
    buildConnectionConfig({
      store: { kind: 'mssql', server: 'h', database: 'd', poolMax: 1 },
      makeCredential: fakeCredential(seen),
    });
    expect(seen).toEqual([undefined]);
  });

  it('refuses incomplete settings and never echoes a password', () => {
    expect(() => buildConnectionConfig({ store: { kind: 'mssql', server: 'h', poolMax: 1 } })).toThrow(
      /MSSQL_SERVER and MSSQL_DATABASE/,
    );
    const bad = () =>
      buildConnectionConfig({
        store: { kind: 'mssql', connectionString: 'Server=np:\\\\.\\pipe\\sql;Password=hunter2', poolMax: 1 },
      });
    expect(bad).toThrow('MSSQL_CONNECTION_STRING could not be parsed');
    expect(bad).not.toThrow(/hunter2/);
    expect(() =>
      buildConnectionConfig({ store: { kind: 'mssql', connectionString: 'Database=bot;User Id=u;Password=p', poolMax: 1 } }),
    ).toThrow(/must name a server/);
  });

  it.each([
    ['bot.database.windows.net', { host: 'bot.database.windows.net', port: 1433 }],
    ['tcp:bot.database.windows.net,1433', { host: 'bot.database.windows.net', port: 1433 }],
    ['localhost,14330', { host: 'localhost', port: 14330 }],
  ])('reads the server "%s"', (server, expected) => {
    expect(parseServer(server)).toEqual(expected);
  });
});

/**
 * A stand-in for the pool that records every statement and answers with canned rows. It runs no SQL: it checks what
 * can be checked without a server, that each statement declares every parameter it uses.
 */
function recordingDatabase(answer: (text: string, params: SqlParams) => Record<string, unknown>[]) {
  const statements: { text: string; params: SqlParams }[] = [];
  const query = async <R>(text: string, params: SqlParams = {}): Promise<QueryResult<R>> => {
    statements.push({ text, params });
    const rows = answer(text, params) as R[];
    return { rows, recordsets: [rows, rows, rows], rowsAffected: [rows.length] };
  };
  const tx: Queryable = { query };
  const db = {
    s: '[dbo]',
    schema: 'dbo',
    query,
    transaction: <T>(work: (q: Queryable) => Promise<T>) => work(tx),
    close: async () => {},
  };
  return { db: db as unknown as MssqlDatabase, statements };
}

/** `@name`s a statement reads that are neither declared in it nor passed, and variables declared over a parameter. */
function undeclared(text: string, params: SqlParams): string[] {
  const declared = new Set<string>();
  for (const d of text.matchAll(/DECLARE\s+([^;]+);/gi))
    for (const v of d[1]!.matchAll(/(@\w+)\s+(?:TABLE\b|[a-z])/gi)) declared.add(v[1]!);
  const procedureParameters = new Set(['@Resource', '@LockMode', '@LockOwner', '@LockTimeout']);
  const used = [...text.matchAll(/(?<![@\w])@\w+/g)].map((m) => m[0]);
  const missing = [...new Set(used)].filter((v) => !declared.has(v) && !procedureParameters.has(v) && !(v.slice(1) in params));
  // A local variable named like a parameter is refused by sp_executesql ("already declared").
  const clashing = [...declared].filter((v) => v.slice(1) in params).map((v) => `${v} (declared and passed)`);
  return [...missing, ...clashing];
}

describe('Azure SQL statements (no server needed)', () => {
  it('declares every parameter each statement uses, on every path of every repository', async () => {
    const seatRows: Record<string, unknown>[][] = [
      [],
      [{ user_id: 'u1', subscription_id: 's', assigned_at: new Date(), revoked_at: null }],
      [{ user_id: 'u1', revoked_at: new Date() }],
    ];
    let seatCall = 0;
    const { db, statements } = recordingDatabase((text, params) => {
      if (/INSERT INTO \[dbo\]\.metering_consumed/.test(text)) {
        return (JSON.parse(params.ids!.value as string) as string[]).map((id) => ({ usage_event_id: id }));
      }
      if (/FROM \[dbo\]\.seat_assignments WHERE subscription_id = @s AND user_id = @u/.test(text))
        return seatRows[seatCall++ % seatRows.length]!;
      if (/FROM \[dbo\]\.usage_outbox AS o/.test(text)) {
        const at = new Date('2026-03-10T10:00:00Z');
        return [
          {
            seq: '1',
            usage_event_id: 'e1',
            delivery_count: 0,
            subscription_id: 's',
            plan_id: 'p',
            dimension: 'messages',
            quantity: 1,
            billable: 0,
            occurred_at: at,
            period_start: at,
          },
          { seq: '2', usage_event_id: 'e2', delivery_count: 0, subscription_id: null },
        ];
      }
      return [
        {
          outcome: 'ok',
          used: 0,
          reserved: 0,
          duplicate: false,
          used_after: 3,
          added: true,
          n: 1,
          active: 0,
          id: '7',
          quantity: 2,
          t: new Date(),
          hour_start: new Date(),
          created_at: new Date(),
          updated_at: new Date(),
        },
      ];
    });
    const at = new Date('2026-03-10T10:00:00Z');
    const subscriptions = mssqlSubscriptions(db);
    const sub = {
      id: 's',
      name: 'n',
      offerId: 'o',
      planId: 'p',
      status: 'Subscribed' as const,
      purchaser: {},
      beneficiary: { tenantId: 't' },
      autoRenew: true,
      isTest: false,
      isFreeTrial: false,
      createdAt: at,
      updatedAt: at,
    };
    await subscriptions.upsert(sub);
    await subscriptions.get('s');
    await subscriptions.listForTenant('t');
    await subscriptions.list();
    await mssqlPlans(db).sync(parseCatalog(DEFAULT_PLAN_CATALOG, 'default').plans, at);
    const admins = mssqlAdmins(db);
    await admins.isAdmin('t', 'u');
    await admins.list('t');
    await admins.add({ tenantId: 't', userId: 'u', addedBy: 'x', addedAt: at });
    await admins.remove('t', 'u');
    const users = mssqlUsers(db);
    await users.find('t', 'q');
    await users.remember('t', { userId: 'u', userName: 'U' }, at);
    const seats = mssqlSeats(db);
    for (let i = 0; i < 3; i++) {
      await seats.claim({ subscriptionId: 's', userId: 'u1', capacity: 2, autoAssign: true, at });
      await seats.assign({ subscriptionId: 's', userId: 'u1', capacity: 2, by: 'admin', at });
    }
    await seats.revoke({ subscriptionId: 's', userId: 'u1', by: 'admin', at });
    await seats.list('s');
    const usage = mssqlUsage(db);
    await usage.claim({
      tenantId: 't',
      activityId: 'a',
      subscriptionId: 's',
      periodStart: at,
      holds: [{ dimension: 'messages', quantity: 1, limit: 5 }],
      at,
    });
    await usage.release('t', 'a');
    await usage.releaseStale(at);
    await usage.record({ event: usageEvent('s'), included: 1, overage: true, reserved: true, userName: 'Ada' });
    await usage.counters('s', at);
    await usage.daily('s', at, at);
    await usage.topUsers('s', at, 5);
    const operations = mssqlOperations(db, subscriptions);
    await operations.find('op');
    await operations.apply({
      record: { operationId: 'op', subscriptionId: 's', action: 'Suspend', source: 'webhook', status: 'Applied', createdAt: at },
      subscription: sub,
    });
    await operations.list('s');
    const metering = mssqlMetering(db);
    const message = {
      usageEventId: 'e1',
      subscriptionId: 's',
      planId: 'p',
      dimension: 'messages' as const,
      quantity: 1,
      billable: 1,
      occurredAt: at.toISOString(),
      periodStart: at.toISOString(),
    };
    await metering.consume([message, { ...message, usageEventId: 'e2', billable: 0 }], at, new Date(at.getTime() - 3_600_000));
    await metering.listDue({ now: at, closedBefore: at, limit: 10 });
    await metering.claim([1, 2], { now: at, closedBefore: at, leaseUntil: at, correlationId: 'c' });
    await metering.settle(
      [
        { id: 1, correlationId: 'c', status: 'Expired', errorMessage: 'old' },
        { id: 2, correlationId: 'c', status: 'Retry', nextAttemptAt: at, errorCode: '503', errorMessage: 'busy' },
        { id: 3, correlationId: 'c', status: 'Accepted', usageEventId: 'u', acceptedQuantity: 1 },
      ],
      at,
    );
    await metering.get('s', 'messages', at);
    await metering.list();
    await metering.list({ status: 'Open', subscriptionId: 's' });
    await metering.overview(5, 8);
    await metering.resend(1, { by: 'op', at });
    await metering.resolve(1, { by: 'op', at, note: 'n' });
    await metering.acceptedByDay(at);
    await metering.pruneConsumed(at);
    const queue = new MssqlOutboxQueue(db, { clock: { now: () => at } });
    await queue.send([message]);
    const got = await queue.receive(10);
    expect(got.map((d) => d.handle)).toEqual([1]);
    await queue.complete(got);
    await queue.abandon(got);
    await queue.deadLetter(got[0]!, 'bad');
    await migrate(db, loadMigrations());

    expect(statements.length).toBeGreaterThan(60);
    const problems = statements
      .map((st) => ({ sql: st.text.slice(0, 80), missing: undeclared(st.text, st.params) }))
      .filter((p) => p.missing.length > 0);
    expect(problems).toEqual([]);
  });
});

interface PortUnderTest {
  store: Store;
  /** Ids of the plans marked active in the plans table. */
  activePlans(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/**
 * Parts of the port the shared contract does not cover yet (webhook operations applied once, plan mirror, ping).
 * Run against the embedded store as well, so that these expectations are known to hold on the reference.
 */
function describePortExtras(name: string, open: () => Promise<PortUnderTest>): void {
  describe(`Store port extras: ${name}`, () => {
    let t: PortUnderTest;
    beforeEach(async () => {
      t = await open();
    });
    afterEach(async () => {
      await t.cleanup();
    });
    const record = (subscriptionId: string, fields: { operationId?: string; action?: string; at?: string } = {}) => ({
      ...(fields.operationId ? { operationId: fields.operationId } : {}),
      subscriptionId,
      action: fields.action ?? 'Suspend',
      source: 'webhook' as const,
      status: 'Applied' as const,
      fromStatus: 'Subscribed',
      toStatus: 'Suspended',
      createdAt: new Date(fields.at ?? '2026-03-10T10:00:00.000Z'),
    });

    it('applies a Marketplace operation once, with the subscription it changes, and local actions every time', async () => {
      const s = await seedSubscription(t.store, { tenantId: 'tenant-a' });
      expect(
        await t.store.operations.apply({
          record: record(s.id, { operationId: 'op-1' }),
          subscription: { ...s, status: 'Suspended' },
        }),
      ).toBe('applied');
      expect(
        await t.store.operations.apply({
          record: record(s.id, { operationId: 'op-1', at: '2026-03-10T10:01:00.000Z' }),
          subscription: { ...s, status: 'Unsubscribed' },
        }),
      ).toBe('duplicate');
      expect((await t.store.subscriptions.get(s.id))?.status).toBe('Suspended');
      expect(await t.store.operations.find('op-1')).toEqual(record(s.id, { operationId: 'op-1' }));
      expect(await t.store.operations.find('op-unknown')).toBeUndefined();
      const local = record(s.id, { action: 'Reconcile', at: '2026-03-10T11:00:00.000Z' });
      expect(await t.store.operations.apply({ record: local })).toBe('applied');
      expect(await t.store.operations.apply({ record: { ...local, createdAt: new Date('2026-03-10T12:00:00.000Z') } })).toBe(
        'applied',
      );
      expect((await t.store.operations.list(s.id)).map((r) => [r.operationId ?? null, r.action])).toEqual([
        ['op-1', 'Suspend'],
        [null, 'Reconcile'],
        [null, 'Reconcile'],
      ]);
    });

    it('applies an operation once when its webhook is delivered several times at once', async () => {
      const s = await seedSubscription(t.store, { tenantId: 'tenant-a' });
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          t.store.operations.apply({
            record: record(s.id, { operationId: 'op-race' }),
            subscription: { ...s, status: 'Suspended' },
          }),
        ),
      );
      expect(results.filter((r) => r === 'applied')).toHaveLength(1);
      expect(await t.store.operations.list(s.id)).toHaveLength(1);
    });

    it('mirrors the plan catalog, keeping dropped plans as inactive', async () => {
      const catalog = parseCatalog(DEFAULT_PLAN_CATALOG, 'default');
      await t.store.plans.sync(catalog.plans, new Date('2026-03-01T00:00:00.000Z'));
      expect(await t.activePlans()).toEqual(catalog.plans.map((p) => p.id).sort());
      await t.store.plans.sync(catalog.plans.slice(1), new Date('2026-03-02T00:00:00.000Z'));
      expect(await t.activePlans()).toEqual(
        catalog.plans
          .slice(1)
          .map((p) => p.id)
          .sort(),
      );
    });

    it('answers a ping', async () => {
      await expect(t.store.ping()).resolves.toBeUndefined();
    });
  });
}

describePortExtras('embedded SQLite (reference)', async () => {
  const store = openSqliteStore(path.join(tempDir(), 'extras.sqlite'));
  return {
    store,
    activePlans: async () =>
      (store.db.prepare('SELECT plan_id FROM plans WHERE is_active = 1 ORDER BY plan_id').all() as { plan_id: string }[]).map(
        (r) => r.plan_id,
      ),
    cleanup: () => store.close(),
  };
});

/** A schema of its own for each test (created by the store's migrator), dropped afterwards with all it holds. */
async function openIsolated(): Promise<MssqlStore> {
  return openMssqlStore({ store: { kind: 'mssql', connectionString: CONNECTION_STRING!, poolMax: 10 } }, silentLogger, {
    schema: `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`,
  });
}

async function dropSchema(store: MssqlStore): Promise<void> {
  await store.db.query(
    `DECLARE @sql nvarchar(max) = N'';
    SELECT @sql += N'ALTER TABLE ' + QUOTENAME(s.name) + N'.' + QUOTENAME(t.name) + N' DROP CONSTRAINT ' + QUOTENAME(f.name) + N'; '
    FROM sys.foreign_keys AS f JOIN sys.tables AS t ON t.object_id = f.parent_object_id JOIN sys.schemas AS s ON s.schema_id = t.schema_id
    WHERE s.name = @schema;
    SELECT @sql += N'DROP TABLE ' + QUOTENAME(s.name) + N'.' + QUOTENAME(t.name) + N'; '
    FROM sys.tables AS t JOIN sys.schemas AS s ON s.schema_id = t.schema_id WHERE s.name = @schema;
    SET @sql += N'DROP SCHEMA ' + QUOTENAME(@schema) + N';';
    EXEC sp_executesql @sql;`,
    { schema: { type: sql.NVarChar(128), value: store.db.schema } },
  );
}

/** A store in a schema of its own, dropped at cleanup; with `count`, for the contracts that count rows. */
async function isolatedStore() {
  const store = await openIsolated();
  return {
    store,
    count: async (table: string) =>
      (await store.db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${store.db.s}.${table}`)).rows[0]!.n,
    cleanup: async () => {
      await dropSchema(store);
      await store.close();
    },
  };
}

if (CONNECTION_STRING) {
  describeStoreContract('Azure SQL', isolatedStore);
  describeHistoryContract('Azure SQL', isolatedStore);
  describeConsoleContract('Azure SQL', isolatedStore);
  describeTicketContract('Azure SQL', isolatedStore);
  describeBilledVsSentContract('Azure SQL', isolatedStore);
  describeFeedbackContract('Azure SQL', isolatedStore);
  describeOutreachContract('Azure SQL', isolatedStore);

  describeRetentionContract('Azure SQL', async () => {
    const store = await openIsolated();
    return mssqlRetentionHarness(store, async () => {
      await dropSchema(store);
      await store.close();
    });
  });

  const LOCK_MS = 5 * 60_000;
  const MAX_DELIVERIES = 3;
  describeUsageQueueContract(
    'Azure SQL outbox',
    async () => {
      const store = await openIsolated();
      const subscription = await seedSubscription(store, { tenantId: 'tenant-a' });
      const clock = new FakeClock();
      const open = () => store.outboxQueue({ clock, lockMs: LOCK_MS, maxDeliveries: MAX_DELIVERIES });
      return {
        queue: open(),
        openConsumer: async () => open(),
        enqueue: (count) => recordUsage(store, subscription.id, count),
        expireLocks: async () => clock.advance(LOCK_MS + 1),
        deadLetters: async () =>
          (
            await store.db.query<{ usage_event_id: string; dead_letter_reason: string }>(
              `SELECT usage_event_id, dead_letter_reason FROM ${store.db.s}.usage_outbox WHERE dead_lettered_at IS NOT NULL ORDER BY seq`,
            )
          ).rows.map((r) => ({ usageEventId: r.usage_event_id, reason: r.dead_letter_reason })),
        cleanup: async () => {
          await dropSchema(store);
          await store.close();
        },
      };
    },
    {
      sendOfUnknownEvent: 'ignored',
      resendAfterComplete: 'enqueued',
      maxDeliveries: MAX_DELIVERIES,
      maxDeliveriesReason: new RegExp(`^delivered ${MAX_DELIVERIES} times without completion$`),
      receiveWaits: false,
      closeRefusesCalls: false,
      emptyWaitMs: 0,
      slackMs: 2_000,
    },
  );

  describePortExtras('Azure SQL', async () => {
    const store = await openIsolated();
    return {
      store,
      activePlans: async () =>
        (
          await store.db.query<{ plan_id: string }>(
            `SELECT plan_id FROM ${store.db.s}.plans WHERE is_active = 1 ORDER BY plan_id`,
          )
        ).rows.map((r) => r.plan_id),
      cleanup: async () => {
        await dropSchema(store);
        await store.close();
      },
    };
  });

  describe('Azure SQL store specifics', () => {
    it('applies migrations once when several instances start together on an empty schema', async () => {
      const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      const config = { store: { kind: 'mssql' as const, connectionString: CONNECTION_STRING, poolMax: 2 } };
      const stores = await Promise.all([1, 2, 3, 4].map(() => openMssqlStore(config, silentLogger, { schema })));
      try {
        const versions = await stores[0]!.db.query<{ version: number }>(
          `SELECT version FROM ${stores[0]!.db.s}.schema_migrations`,
        );
        expect(versions.rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
        await seedSubscription(stores[1]!, { tenantId: 'tenant-a' });
        expect(await stores[2]!.subscriptions.listForTenant('tenant-a')).toHaveLength(1);
      } finally {
        await dropSchema(stores[0]!);
        for (const s of stores) await s.close();
      }
    });

    it('writes nothing when any part of recording a turn fails (no partial usage, counter or outbox)', async () => {
      const store = await openIsolated();
      try {
        const s = await seedSubscription(store, { tenantId: 'tenant-a' });
        const period = new Date('2026-03-01T00:00:00.000Z');
        await store.usage.claim(turnClaim(s.id, { activityId: 'boom' }));
        // The outbox insert (the last write of the transaction) fails.
        await store.db.query(
          `CREATE TRIGGER ${store.db.s}.fail_outbox ON ${store.db.s}.usage_outbox INSTEAD OF INSERT AS THROW 50000, N'disk full', 1;`,
        );
        await expect(
          store.usage.record({ event: usageEvent(s.id, { activityId: 'boom' }), included: 10, overage: false, reserved: true }),
        ).rejects.toThrow('disk full');
        const count = async (t: string) =>
          (await store.db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${store.db.s}.${t}`)).rows[0]!.n;
        expect(await count('usage_events')).toBe(0);
        expect(await count('usage_outbox')).toBe(0);
        expect(await count('quota_reservations')).toBe(1);
        expect(await store.usage.counters(s.id, period)).toEqual([
          { subscriptionId: s.id, periodStart: period, dimension: 'messages', used: 0, reserved: 1 },
        ]);
      } finally {
        await dropSchema(store);
        await store.close();
      }
    });

    it('compares ids exactly: activity ids that differ only in case are two turns', async () => {
      const store = await openIsolated();
      try {
        const s = await seedSubscription(store, { tenantId: 'tenant-a' });
        const first = await store.usage.record({
          event: usageEvent(s.id, { activityId: 'AbC' }),
          included: null,
          overage: false,
        });
        const second = await store.usage.record({
          event: usageEvent(s.id, { activityId: 'abc' }),
          included: null,
          overage: false,
        });
        expect([first.status, second.status]).toEqual(['recorded', 'recorded']);
      } finally {
        await dropSchema(store);
        await store.close();
      }
    });
  });
} else {
  describe('Azure SQL store', () => {
    it.skip('Azure SQL contract skipped: set MSSQL_CONNECTION_STRING to run it', () => {});
  });
}
