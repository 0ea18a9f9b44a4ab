/**
 * The part of `mssql` (v12, tedious driver) this store uses. The package ships no types and `@types/mssql` is not
 * a dependency; declaring only what is used keeps the SDK surface visible and inside src/store/mssql/.
 */
declare module 'mssql' {
  /** A parameter type as `request.input` takes it (`sql.Int` or `sql.NVarChar(100)`). */
  export interface ISqlType {
    type: unknown;
    length?: number;
    scale?: number;
    precision?: number;
  }

  export const MAX: number;
  export function NVarChar(length?: number): ISqlType;
  export function Int(): ISqlType;
  export function BigInt(): ISqlType;
  export function Bit(): ISqlType;
  export function Float(): ISqlType;
  export function Decimal(precision?: number, scale?: number): ISqlType;
  export function DateTime2(scale?: number): ISqlType;

  export const ISOLATION_LEVEL: {
    readonly READ_UNCOMMITTED: number;
    readonly READ_COMMITTED: number;
    readonly REPEATABLE_READ: number;
    readonly SERIALIZABLE: number;
    readonly SNAPSHOT: number;
  };

  export interface config {
    server?: string;
    port?: number;
    database?: string;
    user?: string;
    password?: string;
    connectionTimeout?: number;
    requestTimeout?: number;
    pool?: { max?: number; min?: number; idleTimeoutMillis?: number };
    options?: {
      encrypt?: boolean;
      trustServerCertificate?: boolean;
      useUTC?: boolean;
      abortTransactionOnError?: boolean;
      appName?: string;
      [key: string]: unknown;
    };
    /** Passed to tedious as is; overrides user/password. */
    authentication?: { type: string; options?: Record<string, unknown> };
    /** Set by parseConnectionString from `Authentication=…`. */
    authentication_type?: string;
    token?: string;
    clientId?: string;
    clientSecret?: string;
    tenantId?: string;
    msiEndpoint?: string;
    [key: string]: unknown;
  }

  export interface IResult<T> {
    recordset: T[] | undefined;
    recordsets: T[][];
    rowsAffected: number[];
  }

  export class Request {
    input(name: string, type: ISqlType, value: unknown): this;
    query<T = Record<string, unknown>>(command: string): Promise<IResult<T>>;
  }

  export class ConnectionPool {
    constructor(config: config);
    static parseConnectionString(connectionString: string): config;
    readonly connected: boolean;
    connect(): Promise<ConnectionPool>;
    close(): Promise<void>;
    request(): Request;
    on(event: 'error', listener: (error: Error) => void): this;
  }

  export class Transaction {
    constructor(pool: ConnectionPool);
    begin(isolationLevel?: number): Promise<Transaction>;
    commit(): Promise<void>;
    rollback(): Promise<void>;
    request(): Request;
  }
}
