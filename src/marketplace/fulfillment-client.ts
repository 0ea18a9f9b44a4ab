import { AppError } from '../domain/errors';
import { MarketplaceApiError, type MarketplaceHttp, type RequestOptions } from './marketplace-http';
import {
  nextLinkOf,
  parseList,
  parseOperation,
  parseResolved,
  parseSubscription,
  type ApiOperation,
  type ApiSubscription,
  type ResolvedPurchase,
} from './fulfillment-types';

type CallOptions = Pick<RequestOptions, 'deadline' | 'correlationId'>;

/** What the product needs from the SaaS Fulfillment API v2 (a port, so tests and the emulator can stand in). */
export interface FulfillmentApi {
  resolve(marketplaceToken: string, options?: CallOptions): Promise<ResolvedPurchase>;
  activate(subscriptionId: string, body: { planId: string; quantity?: number }, options?: CallOptions): Promise<void>;
  getSubscription(subscriptionId: string, options?: CallOptions): Promise<ApiSubscription>;
  listSubscriptions(options?: CallOptions): Promise<ApiSubscription[]>;
  listAvailablePlans(subscriptionId: string, options?: CallOptions): Promise<unknown[]>;
  changePlan(subscriptionId: string, planId: string, options?: CallOptions): Promise<string | undefined>;
  changeQuantity(subscriptionId: string, quantity: number, options?: CallOptions): Promise<string | undefined>;
  deleteSubscription(subscriptionId: string, options?: CallOptions): Promise<string | undefined>;
  listOperations(subscriptionId: string, options?: CallOptions): Promise<ApiOperation[]>;
  getOperation(subscriptionId: string, operationId: string, options?: CallOptions): Promise<ApiOperation>;
  /** `conflict` when the operation was already settled (HTTP 409). */
  updateOperation(
    subscriptionId: string,
    operationId: string,
    status: 'Success' | 'Failure',
    options?: CallOptions,
  ): Promise<'updated' | 'conflict'>;
}

const enc = encodeURIComponent;

function malformed(what: string): never {
  throw new AppError('UpstreamFailed', `The Marketplace answered with an unreadable ${what}`);
}

export class FulfillmentClient implements FulfillmentApi {
  constructor(private readonly http: MarketplaceHttp) {}

  async resolve(marketplaceToken: string, options: CallOptions = {}): Promise<ResolvedPurchase> {
    // The token goes as-is: it was URL-decoded exactly once by the landing page, so a '+' is still a '+'.
    const res = await this.http.request('POST', '/saas/subscriptions/resolve', {
      ...options,
      headers: { 'x-ms-marketplace-token': marketplaceToken },
    });
    return parseResolved(res.data) ?? malformed('resolve answer');
  }

  async activate(subscriptionId: string, body: { planId: string; quantity?: number }, options: CallOptions = {}): Promise<void> {
    await this.http.request('POST', `/saas/subscriptions/${enc(subscriptionId)}/activate`, { ...options, body });
  }

  async getSubscription(subscriptionId: string, options: CallOptions = {}): Promise<ApiSubscription> {
    const res = await this.http.request('GET', `/saas/subscriptions/${enc(subscriptionId)}`, options);
    return parseSubscription(res.data) ?? malformed('subscription');
  }

  async listSubscriptions(options: CallOptions = {}): Promise<ApiSubscription[]> {
    const all: ApiSubscription[] = [];
    let next: string | undefined = '/saas/subscriptions';
    for (let page = 0; next; page++) {
      if (page > 10_000) throw new AppError('UpstreamFailed', 'The Marketplace subscription list does not end');
      const res: Awaited<ReturnType<MarketplaceHttp['request']>> = await this.http.request('GET', next, options);
      all.push(...parseList(res.data, 'subscriptions', parseSubscription));
      next = nextLinkOf(res.data);
    }
    return all;
  }

  async listAvailablePlans(subscriptionId: string, options: CallOptions = {}): Promise<unknown[]> {
    const res = await this.http.request<{ plans?: unknown[] }>(
      'GET',
      `/saas/subscriptions/${enc(subscriptionId)}/listAvailablePlans`,
      options,
    );
    return Array.isArray(res.data?.plans) ? res.data.plans : [];
  }

  // Plan or quantity, never both in one PATCH (the API refuses it).
  async changePlan(subscriptionId: string, planId: string, options: CallOptions = {}): Promise<string | undefined> {
    const res = await this.http.request('PATCH', `/saas/subscriptions/${enc(subscriptionId)}`, { ...options, body: { planId } });
    return res.headers['operation-location'];
  }

  async changeQuantity(subscriptionId: string, quantity: number, options: CallOptions = {}): Promise<string | undefined> {
    const res = await this.http.request('PATCH', `/saas/subscriptions/${enc(subscriptionId)}`, {
      ...options,
      body: { quantity },
    });
    return res.headers['operation-location'];
  }

  async deleteSubscription(subscriptionId: string, options: CallOptions = {}): Promise<string | undefined> {
    const res = await this.http.request('DELETE', `/saas/subscriptions/${enc(subscriptionId)}`, options);
    return res.headers['operation-location'];
  }

  async listOperations(subscriptionId: string, options: CallOptions = {}): Promise<ApiOperation[]> {
    const res = await this.http.request('GET', `/saas/subscriptions/${enc(subscriptionId)}/operations`, options);
    return parseList(res.data, 'operations', parseOperation);
  }

  async getOperation(subscriptionId: string, operationId: string, options: CallOptions = {}): Promise<ApiOperation> {
    const res = await this.http.request(
      'GET',
      `/saas/subscriptions/${enc(subscriptionId)}/operations/${enc(operationId)}`,
      options,
    );
    return parseOperation(res.data) ?? malformed('operation');
  }

  async updateOperation(
    subscriptionId: string,
    operationId: string,
    status: 'Success' | 'Failure',
    options: CallOptions = {},
  ): Promise<'updated' | 'conflict'> {
    const res = await this.http.request('PATCH', `/saas/subscriptions/${enc(subscriptionId)}/operations/${enc(operationId)}`, {
      ...options,
      body: { status },
      accept: [409],
    });
    return res.status === 409 ? 'conflict' : 'updated';
  }
}

export function isNotFound(thrown: unknown): boolean {
  return thrown instanceof MarketplaceApiError && thrown.status === 404;
}

export function isBadRequest(thrown: unknown): boolean {
  return thrown instanceof MarketplaceApiError && thrown.status === 400;
}
