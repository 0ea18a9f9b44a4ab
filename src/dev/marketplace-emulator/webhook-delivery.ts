import type { Clock } from '../../domain/clock';
import type { Logger } from '../../logger';
import { webhookClaims, type WebhookSigner } from './webhook-signer';

/**
 * The Marketplace's calls to our webhook: a body signed with a JWT from the emulator's key, posted with Azure's
 * 10-second limit, and kept by operation id so that a test can deliver it again (late, twice, out of order).
 */

/** Marketplace gives up on a webhook delivery after 10 seconds. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Webhook bodies kept for redelivery: enough for any test or manual session, bounded for a long-running emulator. */
const MAX_REMEMBERED_DELIVERIES = 1000;

/** The emulator's current settings the calls depend on (URLs can change after start). */
export interface WebhookSettings {
  clock: Clock;
  logger: Logger;
  /** Issuer of the tokens. */
  baseUrl: string;
  webhookUrl: string;
  webhookAudience: string;
  publisherTenantId: string;
}

export class WebhookDelivery {
  /** Webhook bodies by operation id, for `redeliver` (insertion order: the oldest first). */
  private readonly deliveries = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly settings: () => WebhookSettings,
    private readonly signer: WebhookSigner,
  ) {}

  /** Keeps the body of a webhook call for `redeliver`; the oldest are forgotten past MAX_REMEMBERED_DELIVERIES. */
  remember(operationId: string, body: Record<string, unknown>): void {
    this.deliveries.set(operationId, body);
    if (this.deliveries.size > MAX_REMEMBERED_DELIVERIES) this.deliveries.delete(this.deliveries.keys().next().value!);
  }

  async redeliver(operationId: string): Promise<{ status: number; body: unknown }> {
    const body = this.deliveries.get(operationId);
    if (!body) throw new Error(`no webhook call was made for operation ${operationId}`);
    const result = await this.send(body);
    this.settings().logger.info({ operationId, webhookStatus: result.status }, 'emulator: webhook redelivered');
    return result;
  }

  /** Tokens take their times from the emulator's clock, so a fake-clock test verifies them at its fake "now". */
  signToken(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
    const current = this.settings();
    const merged: Record<string, unknown> = {
      ...webhookClaims({
        issuer: current.baseUrl,
        audience: current.webhookAudience,
        tenantId: current.publisherTenantId,
        now: current.clock.now(),
      }),
      ...claims,
    };
    for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
    return this.signer.sign(merged, header);
  }

  async send(body: unknown, token?: string): Promise<{ status: number; body: unknown }> {
    const jwt = token ?? (await this.signToken());
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (jwt) headers.authorization = `Bearer ${jwt}`;
    try {
      const response = await fetch(this.settings().webhookUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: keep the text.
      }
      return { status: response.status, body: parsed };
    } catch (thrown) {
      const { webhookUrl, logger } = this.settings();
      logger.warn({ webhookUrl, err: thrown }, 'emulator: webhook unreachable');
      return { status: 0, body: undefined };
    }
  }
}
