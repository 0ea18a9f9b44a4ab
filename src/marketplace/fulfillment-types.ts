import type { PublishedPlan } from '../domain/catalog-drift';
import { isSubscriptionStatus, type Party, type SubscriptionStatus } from '../domain/subscription';
import { definedOnly } from '../domain/defined';

/**
 * The Fulfillment API's shapes, read tolerantly: unknown fields are ignored, missing optional fields are allowed,
 * wrong types are treated as missing. Only the id is required.
 */
export interface ApiSubscription {
  id: string;
  name?: string;
  publisherId?: string;
  offerId?: string;
  planId?: string;
  quantity?: number;
  status?: SubscriptionStatus;
  purchaser: Party;
  beneficiary: Party;
  term?: { startDate?: Date; endDate?: Date; termUnit?: string };
  autoRenew?: boolean;
  isTest?: boolean;
  isFreeTrial?: boolean;
  created?: Date;
  /** When the Marketplace last changed the subscription: the time of the state this object describes. */
  lastModified?: Date;
}

export type OperationAction =
  'ChangePlan' | 'ChangeQuantity' | 'Suspend' | 'Reinstate' | 'Unsubscribe' | 'Renew' | 'Reactivate' | (string & Record<never, never>);

export interface ApiOperation {
  id: string;
  subscriptionId?: string;
  action?: OperationAction;
  planId?: string;
  quantity?: number;
  status?: string;
  timeStamp?: string;
  operationRequestSource?: string;
  /** Why the Marketplace failed the operation (with `status` Failed or Conflict). */
  errorStatusCode?: string;
  errorMessage?: string;
}

export interface ResolvedPurchase {
  subscriptionId: string;
  subscriptionName?: string;
  offerId?: string;
  planId?: string;
  quantity?: number;
  subscription?: ApiSubscription;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const date = (v: unknown): Date | undefined => {
  if (typeof v !== 'string' || v === '') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
};
const compact = definedOnly;

function party(v: unknown): Party {
  const p = obj(v);
  return compact({ tenantId: str(p.tenantId), objectId: str(p.objectId), emailId: str(p.emailId) });
}

export function parseSubscription(value: unknown): ApiSubscription | undefined {
  const s = obj(value);
  const id = str(s.id);
  if (!id) return undefined;
  const term = obj(s.term);
  const status = s.saasSubscriptionStatus ?? s.status;
  const parsedTerm = compact({ startDate: date(term.startDate), endDate: date(term.endDate), termUnit: str(term.termUnit) });
  return compact({
    id,
    name: str(s.name),
    publisherId: str(s.publisherId),
    offerId: str(s.offerId),
    planId: str(s.planId),
    quantity: num(s.quantity),
    status: isSubscriptionStatus(status) ? status : undefined,
    purchaser: party(s.purchaser),
    beneficiary: party(s.beneficiary),
    term: Object.keys(parsedTerm).length ? parsedTerm : undefined,
    autoRenew: bool(s.autoRenew),
    isTest: bool(s.isTest),
    isFreeTrial: bool(s.isFreeTrial),
    created: date(s.created),
    lastModified: date(s.lastModified),
  });
}

export function parseOperation(value: unknown): ApiOperation | undefined {
  const o = obj(value);
  const id = str(o.id);
  if (!id) return undefined;
  return compact({
    id,
    subscriptionId: str(o.subscriptionId),
    action: str(o.action),
    planId: str(o.planId),
    quantity: num(o.quantity),
    status: str(o.status),
    timeStamp: str(o.timeStamp),
    operationRequestSource: str(o.operationRequestSource),
    errorStatusCode: str(o.errorStatusCode) ?? (num(o.errorStatusCode) === undefined ? undefined : String(o.errorStatusCode)),
    errorMessage: str(o.errorMessage),
  });
}

export function parseResolved(value: unknown): ResolvedPurchase | undefined {
  const r = obj(value);
  const subscriptionId = str(r.id);
  if (!subscriptionId) return undefined;
  return compact({
    subscriptionId,
    subscriptionName: str(r.subscriptionName),
    offerId: str(r.offerId),
    planId: str(r.planId),
    quantity: num(r.quantity),
    subscription: parseSubscription(r.subscription),
  });
}

export function parseList<T>(value: unknown, key: string, parse: (v: unknown) => T | undefined): T[] {
  const list = obj(value)[key];
  return Array.isArray(list) ? list.map(parse).filter((x): x is T => x !== undefined) : [];
}

export function nextLinkOf(value: unknown): string | undefined {
  return str(obj(value)['@nextLink']) ?? str(obj(value).nextLink);
}

/** One item of `listAvailablePlans`, as far as the catalog drift check needs it. */
export function parseAvailablePlan(value: unknown): PublishedPlan | undefined {
  const p = obj(value);
  const planId = str(p.planId);
  if (!planId) return undefined;
  const dimensions = obj(p.planComponents).meteringDimensions;
  return {
    planId,
    isPricePerSeat: p.isPricePerSeat === true,
    hasFreeTrials: p.hasFreeTrials === true,
    dimensionIds: (Array.isArray(dimensions) ? dimensions : []).map((d) => str(obj(d).id)).filter((id): id is string => !!id),
  };
}
