import { createHash, randomBytes } from 'node:crypto';
import { MINUTE } from '../../domain/clock';

/**
 * One sign-in attempt: a fresh `state` (ties the provider's answer to this browser), `nonce` (ties the id_token to
 * this attempt) and PKCE verifier (only the browser that started the attempt can redeem its code). Kept in the
 * caller's signed session cookie, never reused: the callback consumes it whatever the outcome.
 */
export interface SignInAttempt {
  state: string;
  nonce: string;
  /** PKCE `code_verifier`; the provider receives only its S256 hash. */
  verifier: string;
  /** Epoch milliseconds, by the app's clock. */
  startedAt: number;
}

/** A buyer who takes longer than this on the provider's pages starts again. */
export const ATTEMPT_LIFETIME_MS = 10 * MINUTE;

const random = () => randomBytes(32).toString('base64url');

export function newSignInAttempt(nowMs: number): SignInAttempt {
  return { state: random(), nonce: random(), verifier: random(), startedAt: nowMs };
}

export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/**
 * States this process has seen come back, until they would have expired anyway. The cookie is the record of the
 * attempt, and a browser can send an old cookie again: this catches that replay on one instance; across instances
 * the provider's single-use codes and PKCE stop it.
 */
export class ConsumedStates {
  private readonly seen = new Map<string, number>();

  constructor(private readonly max = 10_000) {}

  /** True the first time a state is consumed, false after. */
  consume(state: string, nowMs: number): boolean {
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt > nowMs && this.seen.size < this.max) break;
      this.seen.delete(key);
    }
    if (this.seen.has(state)) return false;
    this.seen.set(state, nowMs + ATTEMPT_LIFETIME_MS);
    return true;
  }
}
