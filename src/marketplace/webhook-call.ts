import { idProblem, loggable } from '../domain/external-ids';

/** What a webhook body claims, once its ids are known to be sane. Still a claim: GET operation decides. */
export interface WebhookCall {
  operationId: string;
  subscriptionId: string;
  action: string;
  planId?: string;
  quantity?: number;
}

export type WebhookCallParse =
  | { ok: true; call: WebhookCall }
  /** `logged`: the body's ids cut and escaped for a log line (a refused body is never logged whole). */
  | { ok: false; message: string; logged: Record<string, string | undefined> };

/** Action names are short words (`ChangePlan`, `Reinstate`…); an unknown one is answered 200 later, not here. */
const ACTION = /^[A-Za-z]{1,64}$/;

/**
 * Reads a webhook body. The operation and subscription ids must be GUIDs (as the Marketplace's are), the activity
 * id, when present, a sane id (src/domain/external-ids.ts), the action a short word. Anything else is a 400: a
 * malformed id must never reach a URL, a query or a log whole, nor end as a 5xx that the Marketplace would retry
 * for hours.
 */
export function parseWebhookCall(payload: unknown): WebhookCallParse {
  const body = (payload && typeof payload === 'object' && !Array.isArray(payload) ? payload : {}) as Record<string, unknown>;
  const fail = (message: string): WebhookCallParse => ({
    ok: false,
    message,
    logged: {
      operationId: loggable(body.id),
      subscriptionId: loggable(body.subscriptionId),
      action: loggable(body.action),
    },
  });
  if (body.id === undefined || body.subscriptionId === undefined || body.action === undefined)
    return fail('The body must carry the operation id, the subscription id and the action.');
  const operationProblem = idProblem(body.id, 'guid');
  if (operationProblem) return fail(`The operation id (id) ${operationProblem}.`);
  const subscriptionProblem = idProblem(body.subscriptionId, 'guid');
  if (subscriptionProblem) return fail(`The subscription id ${subscriptionProblem}.`);
  if (typeof body.action !== 'string' || !ACTION.test(body.action)) return fail('The action is not an action name.');
  if (body.activityId !== undefined && body.activityId !== null) {
    const activityProblem = idProblem(body.activityId, 'id');
    if (activityProblem) return fail(`The activity id ${activityProblem}.`);
  }
  return {
    ok: true,
    call: {
      operationId: body.id as string,
      subscriptionId: body.subscriptionId as string,
      action: body.action,
      ...(typeof body.planId === 'string' ? { planId: body.planId } : {}),
      ...(typeof body.quantity === 'number' ? { quantity: body.quantity } : {}),
    },
  };
}
