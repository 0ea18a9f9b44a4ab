import { AppError } from './domain/errors';

/**
 * Typed reads of one environment object for src/config.ts (which alone hands it `process.env`). A bad value does
 * not stop the read: it is recorded, a fallback is returned, and `problems.throwIfAny()` at the end reports every
 * problem of the configuration in one error, each naming its variable (one restart per mistake was the old way).
 */

export type Env = Record<string, string | undefined>;

const KEY_VAULT_PREFIX = 'keyvault:';
/** Hosts a plain-http URL may name in production when a setting allows it (a model server beside the app). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export class ConfigProblems {
  /** A Set: a variable read twice (or checked by two rules that agree) is reported once. */
  private readonly found = new Set<string>();

  /** Records "`name` must be `expected`", with the offending value when showing it is safe (never for secrets). */
  add(name: string, expected: string, got?: string): void {
    const shown = got === undefined ? '' : ` (got "${got.length > 60 ? `${got.slice(0, 60)}…` : got}")`;
    this.found.add(`${name} must be ${expected}${shown}`);
  }

  get list(): readonly string[] {
    return [...this.found];
  }

  /** One error for all of them: a single problem reads as before, several as a list. */
  throwIfAny(): void {
    const list = this.list;
    if (list.length === 0) return;
    const message =
      list.length === 1 ? list[0]! : `${list.length} configuration problems:\n${list.map((p) => `  - ${p}`).join('\n')}`;
    throw new AppError('ConfigInvalid', message);
  }
}

export interface ReaderOptions {
  /** Why a `keyvault:` value is wrong at this point (it should have been resolved, or may never be one). */
  keyVaultReference: string;
}

export type Reader = ReturnType<typeof reader>;

/** Reader bound to one environment object; empty strings count as unset. */
export function reader(env: Env, problems: ConfigProblems, options: ReaderOptions) {
  const production = env.NODE_ENV?.trim().toLowerCase() === 'production';
  const raw = (name: string): string | undefined => {
    const v = env[name]?.trim();
    if (v === undefined || v === '') return undefined;
    // Start-up resolves Key Vault references before the configuration is read: one left over would be used as
    // the literal text "keyvault:…" (a password, a connection string). The value is not echoed.
    if (v.toLowerCase().startsWith(KEY_VAULT_PREFIX)) {
      problems.add(name, options.keyVaultReference);
      return undefined;
    }
    return v;
  };
  /**
   * In production every URL is https: an http metadata, JWKS or API URL turns a signature check or a bearer token
   * into "trust whoever answers on the wire", and an http PUBLIC_URL drops the session cookie's Secure flag.
   */
  const requireHttps = (name: string, value: string, loopbackHttpOk = false): void => {
    if (!production) return;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return problems.add(name, 'an absolute https URL in production', value);
    }
    if (parsed.protocol === 'https:') return;
    if (loopbackHttpOk && parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)) return;
    problems.add(name, 'an https URL in production', value);
  };
  return {
    production,
    raw,
    requireHttps,
    str: (name: string, fallback?: string) => raw(name) ?? fallback,
    int(name: string, fallback: number, min: number, max: number): number {
      const v = raw(name);
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!/^-?\d+$/.test(v) || n < min || n > max) {
        problems.add(name, `an integer between ${min} and ${max}`, v);
        return fallback;
      }
      return n;
    },
    num(name: string, fallback: number, min: number, max: number): number {
      const v = raw(name);
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min || n > max) {
        problems.add(name, `a number between ${min} and ${max}`, v);
        return fallback;
      }
      return n;
    },
    bool(name: string, fallback: boolean): boolean {
      const v = raw(name)?.toLowerCase();
      if (v === undefined) return fallback;
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      problems.add(name, 'true or false', v);
      return fallback;
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const v = raw(name);
      if (v === undefined) return fallback;
      const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
      if (!hit) problems.add(name, `one of ${allowed.join(', ')}`, v);
      return hit ?? fallback;
    },
    /**
     * An absolute http(s) URL without trailing slashes; https in production when set (see `requireHttps`). A
     * fallback is not checked: ours are https in production, or derived from a setting checked on its own (the
     * landing page from PUBLIC_URL), whose name is the one to report.
     */
    url(name: string, fallback?: string, options: { loopbackHttpOk?: boolean } = {}): string | undefined {
      const set = raw(name);
      const v = set ?? fallback;
      if (v === undefined) return undefined;
      let parsed: URL | undefined;
      try {
        parsed = new URL(v);
      } catch {
        parsed = undefined;
      }
      if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
        problems.add(name, 'an absolute http(s) URL', v);
        return fallback?.replace(/\/+$/, '');
      }
      if (set !== undefined) requireHttps(name, set, options.loopbackHttpOk);
      return v.replace(/\/+$/, '');
    },
    list: (name: string): string[] =>
      (raw(name) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
  };
}
