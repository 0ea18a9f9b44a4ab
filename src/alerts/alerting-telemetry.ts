import { driftRepairedAlert, lifecycleAlert, type LifecycleType } from '../domain/alert-triggers';
import type { Telemetry, TelemetryProps } from '../telemetry/telemetry';
import type { OperatorAlerts } from './operator-alerts';

/** What else listens to subscription changes (the tenant notices of a suspension). */
export interface LifecycleListener {
  suspended(input: { tenantId: string; subscriptionId: string; since: string }): void;
}

const LIFECYCLE: Partial<Record<string, LifecycleType>> = {
  SubscriptionActivated: 'subscription.created',
  SubscriptionSuspended: 'subscription.suspended',
  SubscriptionReinstated: 'subscription.reinstated',
  SubscriptionUnsubscribed: 'subscription.cancelled',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The product's telemetry, also feeding operator alerts: it already reports every applied lifecycle change (webhook,
 * activation, reconciliation) in one place each, so alerts follow them without another call site. Events go to the
 * wrapped telemetry unchanged; alerts are raised in the background (never awaited by the webhook, never throwing
 * into it). Metering results alert from the worker itself (src/worker/create-metering-worker.ts), also in a
 * worker process of its own.
 */
export function alertingTelemetry(inner: Telemetry, alerts: OperatorAlerts, listener?: LifecycleListener): Telemetry {
  return {
    ...inner,
    subscriptionEvent(name, props) {
      inner.subscriptionEvent(name, props);
      onSubscriptionEvent(name, props, alerts, listener);
    },
    meteringResult: (props) => inner.meteringResult(props),
    usageRecorded: (props) => inner.usageRecorded(props),
    dependency: (props) => inner.dependency(props),
    flush: () => inner.flush(),
  };
}

function onSubscriptionEvent(name: string, props: TelemetryProps, alerts: OperatorAlerts, listener?: LifecycleListener): void {
  const subscriptionId = str(props.subscriptionId);
  if (!subscriptionId) return;
  const tenantId = str(props.tenantId);
  if (name === 'SubscriptionReconciled') {
    // A subscription the store did not know is a new one; otherwise reconciliation repaired drift.
    if (props.added === true)
      alerts.raiseLater(lifecycleAlert('subscription.created', { subscriptionId, ...(str(props.toPlanId) ? { planId: str(props.toPlanId)! } : {}) }));
    else
      alerts.raiseLater(
        driftRepairedAlert({
          subscriptionId,
          drift: str(props.drift) ?? 'changed',
          toStatus: str(props.toStatus) ?? '',
          toPlanId: str(props.toPlanId) ?? '',
        }),
      );
    return;
  }
  const type = LIFECYCLE[name];
  if (!type) return;
  const planId = str(props.toPlanId) ?? str(props.planId);
  const quantity = num(props.toQuantity) ?? num(props.quantity);
  const operationId = str(props.operationId);
  alerts.raiseLater(
    lifecycleAlert(type, {
      subscriptionId,
      ...(tenantId ? { tenantId } : {}),
      ...(planId ? { planId } : {}),
      ...(quantity !== undefined ? { quantity } : {}),
      ...(operationId ? { operationId } : {}),
    }),
  );
  if (type === 'subscription.suspended' && tenantId)
    listener?.suspended({ tenantId, subscriptionId, since: operationId ?? new Date().toISOString().slice(0, 10) });
}
