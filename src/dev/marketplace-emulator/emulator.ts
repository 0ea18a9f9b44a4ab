import type { Socket } from 'node:net';
import type { FaultConfig } from '../../config';
import type { Clock } from '../../domain/clock';
import type { UsageRightState } from '../../domain/licence';
import type { MeteringDimension, Plan } from '../../domain/plans';
import { BilledUsageControls } from './billed-usage-report';
import { EmulatorLicences } from './emulator-licences';
import type { Logger } from '../../logger';
import type { BuyInput } from './emulator-purchase';
import { EmulatorState } from './emulator-state';
import { EmulatorStateFile } from './emulator-state-file';
import type { CustomerAction, EmulatorOperation, EmulatorSubscription } from './emulator-types';
import { FaultDice } from './faults';
import { EmulatorIdentityProvider, type IdpUser } from './identity-provider';
import { WebhookDelivery } from './webhook-delivery';
import { createWebhookSigner, type WebhookSigner } from './webhook-signer';

export type { EmulatorOperation, EmulatorSubscription } from './emulator-types';
export { mountEmulator, startEmulatorServer } from './emulator-routes';
export { WEBHOOK_TIMEOUT_MS } from './webhook-delivery';

/**
 * The local Azure Marketplace (development and tests only): the state and its rules, the webhook signer, the fault
 * dice and the calls to our webhook (webhook-delivery.ts), persisted in a state file (emulator-state-file.ts), behind
 * a programmatic API for tests. The HTTP side is in emulator-routes.ts.
 */

export interface EmulatorOptions {
  clock: Clock;
  logger: Logger;
  /** Public URL of the emulator including the prefix, e.g. http://127.0.0.1:41234/emulator (issuer, jwks, Operation-Location). */
  baseUrl: string;
  /** Our landing page; "buy" redirects to `${landingPageUrl}?token=${encodeURIComponent(token)}`. */
  landingPageUrl: string;
  /** Our webhook, e.g. http://127.0.0.1:3978/api/webhook. */
  webhookUrl: string;
  /** Our catalog's plans (ids, seats, dimensions). */
  plans: readonly Plan[];
  /** The offers' dimensions (names and units shown by listAvailablePlans). */
  dimensions?: readonly MeteringDimension[];
  /** Offer of plans that name none (a plan from the catalog names its own). */
  offerId: string;
  publisherId: string;
  /** `tid` claim of webhook tokens (the publisher tenant). */
  publisherTenantId: string;
  /** `aud` claim of webhook tokens (our fulfillment app's client id). */
  webhookAudience: string;
  /** Bearer token the API requires. Requests without `Authorization: Bearer <apiToken>` get 401. */
  apiToken: string;
  faults?: Partial<FaultConfig>;
  /**
   * While set, every API call is answered with this error before any work (an outage, or 401/403 as Microsoft
   * answers a publisher whose secret expired). Tests and benchmarks set it with `configure`.
   */
  outage?: { status: number; code: string; message: string } | undefined;
  /** Subscribed is visible only this long after activate (by the clock). Default 0. */
  activationDelayMs?: number;
  /** JSON persistence: loaded at creation, saved (debounced, atomically) after changes and on close. */
  stateFile?: string;
  /** Landing-page token lifetime; default 24 h. */
  tokenTtlMs?: number;
  /** Page size of GET /saas/subscriptions; default 20. */
  pageSize?: number;
  /**
   * Where our landing page sends buyers to sign in (LANDING_SSO_AUTHORITY), when it does: the buy form's CSP lets
   * the browser follow the landing page's redirect there.
   */
  signInAuthority?: string;
}

export interface UsageSubmission {
  key: string;
  status: string;
  atMs: number;
  userAgent?: string;
}

export interface TriggerResult {
  operationId: string;
  /** Status our webhook answered; 0 when it could not be reached or did not answer within 10 s. */
  webhookStatus: number;
  operation: EmulatorOperation;
}

export interface Emulator {
  readonly options: Readonly<EmulatorOptions>;
  /** Update URLs/faults after start (tests learn ephemeral ports late). New faults replace the old and reseed. */
  configure(
    changes: Partial<
      Pick<
        EmulatorOptions,
        'baseUrl' | 'landingPageUrl' | 'webhookUrl' | 'faults' | 'activationDelayMs' | 'outage' | 'signInAuthority'
      >
    >,
  ): void;
  /**
   * Publishes another catalog in "Partner Center" (what `listAvailablePlans`, purchases and metering use from now on):
   * tests give the emulator plans that differ from the bot's catalog to see the drift report.
   */
  publish(plans: readonly Plan[], dimensions?: readonly MeteringDimension[]): void;
  /** A customer admin assigns (or, with `undefined`, removes) a Microsoft-managed licence; Graph reports it. */
  setLicence(tenantId: string, userId: string, serviceIdentifier: string, state: UsageRightState | undefined): void;
  /** Graph and its token endpoint answer 503 while on. */
  setGraphOutage(on: boolean): void;
  /** Customer buys: a PendingFulfillmentStart subscription and a marketplace token (always with a '+' and a '/'). */
  buy(input: BuyInput): { subscriptionId: string; token: string; landingUrl: string };
  /**
   * Customer-side lifecycle action: creates the operation, applies what Marketplace applies, calls our webhook with a
   * signed JWT, and resolves after our webhook answered. With `deliver: false` the call is held back (webhookStatus
   * 0), to be delivered later, late and in any order, with `redeliver`.
   */
  trigger(
    subscriptionId: string,
    action: CustomerAction,
    params?: { planId?: string; quantity?: number },
    options?: { deliver?: boolean },
  ): Promise<TriggerResult>;
  /**
   * Delivers again (or for the first time) the webhook call of an operation made by `trigger`: the same body as
   * then (its `subscription` snapshot included, as Azure's retries do), with a fresh token.
   */
  redeliver(operationId: string): Promise<{ status: number; body: unknown }>;
  /** The Marketplace settles a pending operation itself (accepted on its own, failed, or conflicting). */
  settleOperation(
    subscriptionId: string,
    operationId: string,
    status: 'Succeeded' | 'Failed' | 'Conflict',
    error?: { statusCode?: string; message?: string },
  ): EmulatorOperation;
  /** The next PATCH of a pending operation of this subscription finds it settled as `status` and gets 409. */
  settleOnNextPatch(subscriptionId: string, status: 'Succeeded' | 'Failed' | 'Conflict'): void;
  /** Signs a webhook-style token with the emulator key; claims override the defaults (`undefined` removes one). */
  signWebhookToken(claims?: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  /** Sends an arbitrary webhook body to our webhook; `token` default: a valid one; `''`: no Authorization header. */
  sendWebhook(body: unknown, token?: string): Promise<{ status: number; body: unknown }>;
  subscription(id: string): EmulatorSubscription | undefined;
  subscriptions(): EmulatorSubscription[];
  operation(subscriptionId: string, operationId: string): EmulatorOperation | undefined;
  /** Accepted metering events, for assertions. */
  acceptedUsage(): {
    usageEventId: string;
    resourceId: string;
    dimension: string;
    planId: string;
    effectiveStartTime: string;
    quantity: number;
  }[];
  /** HTTP calls received per API route (e.g. 'batchUsageEvent'), failed ones included. */
  callCounts(): Record<string, number>;
  /**
   * Every metering event judged through the batch API, in order: (resource, dimension, hour), the answer's status,
   * when (real time) and the caller's user agent (the product's names its process). Benchmarks count resends.
   */
  usageSubmissions(): UsageSubmission[];
  /** The emulator playing Entra for sign-in (`${baseUrl}/idp/organizations`): users, tenants, defects. */
  readonly identityProvider: EmulatorIdentityProvider;
  /** What `GET /usageEvents` reports beyond what was accepted: injected differences, extra rows, page size. */
  readonly billedUsage: BilledUsageControls;
  /** Flushes the state file, stops timers, drops requests held by the timeout fault. */
  close(): Promise<void>;
}

export const DEFAULT_PAGE_SIZE = 20;

export function createEmulator(options: EmulatorOptions): Emulator {
  return new MarketplaceEmulator(options);
}

/** The implementation; its extra members serve the routes and pages, not the tests. */
export class MarketplaceEmulator implements Emulator {
  private current: EmulatorOptions;
  readonly state: EmulatorState;
  /** Microsoft-managed licences (kept in the state file) and the Graph outage switch (graph-routes.ts). */
  readonly licences = new EmulatorLicences(() => this.stateFile.scheduleSave());
  readonly dice: FaultDice;
  readonly signer: WebhookSigner = createWebhookSigner();
  readonly billedUsage = new BilledUsageControls();
  private readonly counts: Record<string, number> = {};
  private readonly submissions: UsageSubmission[] = [];
  /** Sockets of requests the timeout fault keeps unanswered: close() destroys them. */
  private readonly held = new Set<Socket>();
  private readonly webhooks: WebhookDelivery;
  private readonly stateFile: EmulatorStateFile;
  readonly identityProvider: EmulatorIdentityProvider;

  constructor(options: EmulatorOptions) {
    this.current = { ...options };
    this.webhooks = new WebhookDelivery(() => this.current, this.signer);
    this.stateFile = new EmulatorStateFile(options.stateFile, options.logger, () => ({
      ...this.state.snapshot(),
      licences: this.licences.records(),
    }));
    this.identityProvider = new EmulatorIdentityProvider({
      clock: options.clock,
      baseUrl: () => this.current.baseUrl,
      knownUsers: () => usersOfSubscriptions(this.state.subscriptions()),
    });
    this.dice = new FaultDice(options.faults ?? {});
    const snapshot = this.stateFile.read();
    const stateOptions = {
      clock: options.clock,
      plans: options.plans,
      ...(options.dimensions ? { dimensions: options.dimensions } : {}),
      offerId: options.offerId,
      publisherId: options.publisherId,
      ...(options.tokenTtlMs === undefined ? {} : { tokenTtlMs: options.tokenTtlMs }),
      onChange: () => this.stateFile.scheduleSave(),
    };
    let state: EmulatorState;
    try {
      state = new EmulatorState({ ...stateOptions, ...(snapshot ? { snapshot } : {}) });
    } catch (thrown) {
      options.logger.warn({ stateFile: options.stateFile, err: thrown }, 'emulator state file ignored: not a valid state');
      state = new EmulatorState(stateOptions);
    }
    this.state = state;
    if (snapshot) this.licences.load(snapshot.licences);
  }

  get options(): Readonly<EmulatorOptions> {
    return Object.freeze({ ...this.current });
  }

  get activationDelayMs(): number {
    return this.current.activationDelayMs ?? 0;
  }

  get pageSize(): number {
    return this.current.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  configure(
    changes: Partial<
      Pick<
        EmulatorOptions,
        'baseUrl' | 'landingPageUrl' | 'webhookUrl' | 'faults' | 'activationDelayMs' | 'outage' | 'signInAuthority'
      >
    >,
  ): void {
    this.current = { ...this.current, ...changes };
    if ('faults' in changes) this.dice.configure(changes.faults ?? {});
  }

  setLicence(tenantId: string, userId: string, serviceIdentifier: string, state: UsageRightState | undefined): void {
    this.licences.set(tenantId, userId, serviceIdentifier, state);
  }

  setGraphOutage(on: boolean): void {
    this.licences.outage = on;
  }

  publish(plans: readonly Plan[], dimensions?: readonly MeteringDimension[]): void {
    this.current = { ...this.current, plans, ...(dimensions ? { dimensions } : {}) };
    this.state.publish(plans, dimensions);
  }

  buy(input: BuyInput): { subscriptionId: string; token: string; landingUrl: string } {
    const { subscription, token } = this.state.buy(input);
    this.current.logger.info(
      { subscriptionId: subscription.id, planId: subscription.planId, tenantId: subscription.beneficiary.tenantId },
      'emulator: subscription bought',
    );
    return { subscriptionId: subscription.id, token, landingUrl: landingUrl(this.current.landingPageUrl, token) };
  }

  async trigger(
    subscriptionId: string,
    action: CustomerAction,
    params: { planId?: string; quantity?: number } = {},
    options: { deliver?: boolean } = {},
  ): Promise<TriggerResult> {
    const op = this.state.startCustomerAction(subscriptionId, action, params);
    const subscription = this.state.getSubscription(subscriptionId);
    const body = {
      id: op.id,
      activityId: op.activityId,
      publisherId: op.publisherId,
      offerId: op.offerId,
      planId: op.planId,
      quantity: op.quantity,
      subscriptionId: op.subscriptionId,
      timeStamp: op.timeStamp,
      action: op.action,
      status: op.status,
      operationRequestSource: op.operationRequestSource,
      subscription,
      purchaseToken: null,
    };
    this.webhooks.remember(op.id, body);
    if (options.deliver === false) return { operationId: op.id, webhookStatus: 0, operation: op };
    const { status } = await this.sendWebhook(body);
    // A change the publisher refuses with a 4xx within the delivery fails at once, as in Azure.
    const isChange = op.action === 'ChangePlan' || op.action === 'ChangeQuantity';
    if (isChange && status >= 400 && status < 500)
      this.state.rejectOperation(op.id, status, `The publisher's webhook answered ${status}.`);
    this.current.logger.info(
      { subscriptionId, operationId: op.id, action, webhookStatus: status },
      'emulator: webhook delivered',
    );
    return { operationId: op.id, webhookStatus: status, operation: this.state.operation(subscriptionId, op.id)! };
  }

  redeliver(operationId: string): Promise<{ status: number; body: unknown }> {
    return this.webhooks.redeliver(operationId);
  }

  settleOperation(
    subscriptionId: string,
    operationId: string,
    status: 'Succeeded' | 'Failed' | 'Conflict',
    error?: { statusCode?: string; message?: string },
  ): EmulatorOperation {
    return this.state.settleOperation(subscriptionId, operationId, status, error);
  }

  settleOnNextPatch(subscriptionId: string, status: 'Succeeded' | 'Failed' | 'Conflict'): void {
    this.state.settleOnNextPatch(subscriptionId, status);
  }

  signWebhookToken(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
    return this.webhooks.signToken(claims, header);
  }

  sendWebhook(body: unknown, token?: string): Promise<{ status: number; body: unknown }> {
    return this.webhooks.send(body, token);
  }

  subscription(id: string): EmulatorSubscription | undefined {
    return this.state.subscription(id);
  }

  subscriptions(): EmulatorSubscription[] {
    return this.state.subscriptions();
  }

  operation(subscriptionId: string, operationId: string): EmulatorOperation | undefined {
    return this.state.operation(subscriptionId, operationId);
  }

  acceptedUsage() {
    return this.state.acceptedUsage().map(({ usageEventId, resourceId, dimension, planId, effectiveStartTime, quantity }) => ({
      usageEventId,
      resourceId,
      dimension,
      planId,
      effectiveStartTime,
      quantity,
    }));
  }

  callCounts(): Record<string, number> {
    return { ...this.counts };
  }

  usageSubmissions(): UsageSubmission[] {
    return [...this.submissions];
  }

  logSubmissions(
    results: readonly { status: string; resourceId?: unknown; dimension?: unknown; effectiveStartTime?: unknown }[],
    userAgent?: string,
  ): void {
    const atMs = Date.now();
    for (const r of results) {
      const time = typeof r.effectiveStartTime === 'string' ? Date.parse(r.effectiveStartTime) : NaN;
      const hour = Number.isNaN(time)
        ? String(r.effectiveStartTime)
        : new Date(Math.floor(time / 3_600_000) * 3_600_000).toISOString();
      this.submissions.push({
        key: `${String(r.resourceId)}|${String(r.dimension)}|${hour}`,
        status: r.status,
        atMs,
        ...(userAgent ? { userAgent } : {}),
      });
    }
  }

  countCall(route: string): void {
    this.counts[route] = (this.counts[route] ?? 0) + 1;
  }

  /** The timeout fault: never answer; resolves when the client gives up or close() drops the connection. */
  holdUnanswered(socket: Socket): Promise<void> {
    if (socket.destroyed) return Promise.resolve();
    this.held.add(socket);
    return new Promise((resolve) =>
      socket.once('close', () => {
        this.held.delete(socket);
        resolve();
      }),
    );
  }

  close(): Promise<void> {
    for (const socket of this.held) socket.destroy();
    this.held.clear();
    this.stateFile.close();
    return Promise.resolve();
  }
}

/**
 * The accounts the emulator IdP offers for its subscriptions: each purchaser, and a colleague in each beneficiary
 * tenant (someone who did not buy but may set the app up).
 */
function usersOfSubscriptions(subscriptions: readonly EmulatorSubscription[]): IdpUser[] {
  const users: IdpUser[] = [];
  for (const s of subscriptions) {
    const domain = s.purchaser.emailId.split('@')[1] ?? 'contoso.example';
    users.push({
      oid: s.purchaser.objectId,
      tid: s.purchaser.tenantId,
      name: `Purchaser of ${s.name}`,
      upn: s.purchaser.emailId,
    });
    users.push({
      oid: `colleague-${s.beneficiary.tenantId}`,
      tid: s.beneficiary.tenantId,
      name: `Colleague at ${domain}`,
      upn: `colleague@${domain}`,
    });
  }
  return users;
}

export function landingUrl(landingPageUrl: string, token: string): string {
  return `${landingPageUrl}${landingPageUrl.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}
