import { randomBytes } from 'node:crypto';
import type { Clock } from '../../domain/clock';
import { AppError } from '../../domain/errors';
import type { TokenRecord } from './emulator-types';

/**
 * The landing-page tokens a purchase hands to our landing page (`?token=`), which `resolve` turns back into the
 * subscription until they expire.
 */
export class LandingTokens {
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  load(saved: readonly TokenRecord[]): void {
    for (const t of saved) this.tokens.set(t.token, t);
  }

  /** Every token, as kept (the snapshot copies them). */
  all(): TokenRecord[] {
    return [...this.tokens.values()];
  }

  /** A token like Azure's: long, base64, and always with a '+' and a '/' so that decoding mistakes show. */
  issue(subscriptionId: string): string {
    const now = this.clock.now().getTime();
    for (const [key, t] of this.tokens) if (new Date(t.expiresAt).getTime() <= now) this.tokens.delete(key);
    let token: string;
    do token = randomBytes(48).toString('base64');
    while (!token.includes('+') || !token.includes('/'));
    this.tokens.set(token, { token, subscriptionId, expiresAt: new Date(now + this.ttlMs).toISOString() });
    return token;
  }

  /** The subscription of a token still valid. */
  subscriptionOf(token: string | undefined): string {
    // Exact match on purpose: a '+' turned into ' ' by a careless decode must fail here, as it does in Azure.
    const entry = token ? this.tokens.get(token) : undefined;
    if (!entry || new Date(entry.expiresAt).getTime() <= this.clock.now().getTime()) {
      throw new AppError('BadRequest', 'The x-ms-marketplace-token is missing, malformed, or expired.');
    }
    return entry.subscriptionId;
  }
}
