import { setTimeout as sleep } from 'node:timers/promises';
import * as sql from 'mssql';
import type { Logger } from '../../logger';

export interface SqlParam {
  type: sql.ISqlType;
  value: unknown;
}
export type SqlParams = Readonly<Record<string, SqlParam>>;

export interface QueryResult<R> {
  /** The first result set (none: empty). */
  rows: R[];
  recordsets: unknown[][];
  rowsAffected: number[];
}

/** Something statements run on: the pool (each statement its own transaction) or an open transaction. */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: SqlParams): Promise<QueryResult<R>>;
}

/**
 * Parameters, each kind always declared the same way so that a statement keeps one cached plan whatever the value's
 * length. Short strings are nvarchar(4000): a value longer than its column fails loudly ("would be truncated")
 * instead of being cut. Times are datetime2(3): a JS Date's milliseconds, exactly.
 */
export const param = {
  text: (value: string | null | undefined): SqlParam => ({ type: sql.NVarChar(4000), value: value ?? null }),
  longText: (value: string | null | undefined): SqlParam => ({ type: sql.NVarChar(sql.MAX), value: value ?? null }),
  int: (value: number | null | undefined): SqlParam => ({ type: sql.Int(), value: value ?? null }),
  bigint: (value: number): SqlParam => ({ type: sql.BigInt(), value }),
  bit: (value: boolean): SqlParam => ({ type: sql.Bit(), value }),
  float: (value: number | null | undefined): SqlParam => ({ type: sql.Float(), value: value ?? null }),
  money: (value: number): SqlParam => ({ type: sql.Decimal(18, 4), value }),
  time: (value: Date | null | undefined): SqlParam => ({ type: sql.DateTime2(3), value: value ?? null }),
};

/** The collation of ids and codes in the schema: exact comparison, as in SQLite. */
export const ID_COLLATION = 'Latin1_General_100_BIN2';

/** SQL Server's number for an error, wherever mssql put it. */
export function sqlErrorNumber(error: unknown): number | undefined {
  const e = error as { number?: unknown; originalError?: { number?: unknown; info?: { number?: unknown } } } | null;
  const n = e?.number ?? e?.originalError?.number ?? e?.originalError?.info?.number;
  return typeof n === 'number' ? n : undefined;
}

/** 2627: unique constraint; 2601: unique index. */
export const isUniqueViolation = (error: unknown): boolean => [2627, 2601].includes(sqlErrorNumber(error) ?? 0);
/** 1205: chosen as deadlock victim; the transaction was rolled back and can simply run again. */
const isDeadlock = (error: unknown): boolean => sqlErrorNumber(error) === 1205;

const DEADLOCK_ATTEMPTS = 3;

/** `dbo` or a test's schema; checked because it is written into statements. */
export function quoteSchema(schema: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  return `[${schema}]`;
}

async function run<R>(request: sql.Request, text: string, params: SqlParams = {}): Promise<QueryResult<R>> {
  for (const [name, p] of Object.entries(params)) request.input(name, p.type, p.value);
  const result = await request.query<R>(text);
  return { rows: result.recordset ?? [], recordsets: result.recordsets ?? [], rowsAffected: result.rowsAffected ?? [] };
}

/** The pool, with the schema every statement names, and transactions that retry a deadlock. */
export class MssqlDatabase implements Queryable {
  /** `[schema]`, prefixed to every table name. */
  readonly s: string;

  constructor(
    private readonly pool: sql.ConnectionPool,
    readonly schema: string,
    private readonly logger: Logger,
  ) {
    this.s = quoteSchema(schema);
  }

  query<R = Record<string, unknown>>(text: string, params?: SqlParams): Promise<QueryResult<R>> {
    return this.retryDeadlocks(() => run<R>(this.pool.request(), text, params));
  }

  /**
   * Runs `work` in one READ COMMITTED transaction: committed when it returns, rolled back when it throws. Statements
   * inside run one after the other (one connection). A deadlock victim runs again from the start, so `work` must
   * have no effect outside the database before it returns.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.retryDeadlocks(async () => {
      const tx = new sql.Transaction(this.pool);
      await tx.begin(sql.ISOLATION_LEVEL.READ_COMMITTED);
      try {
        const value = await work({ query: (text, params) => run(tx.request(), text, params) });
        await tx.commit();
        return value;
      } catch (error) {
        // With XACT_ABORT the server has usually rolled back already, and mssql then refuses a second rollback.
        await tx.rollback().catch(() => undefined);
        throw error;
      }
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async retryDeadlocks<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (!isDeadlock(error) || n >= DEADLOCK_ATTEMPTS) throw error;
        this.logger.warn({ attempt: n }, 'Azure SQL deadlock victim; running the transaction again');
        await sleep(10 + Math.floor(Math.random() * 40 * n));
      }
    }
  }
}
