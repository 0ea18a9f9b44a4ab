import type { MeteringOutcome } from '../domain/alert-triggers';
import type { Logger } from '../logger';

/**
 * What the product reports beyond logs: subscription lifecycle, usage, metering results, and the dependencies
 * that automatic HTTP collection does not see (SQL). Application Insights custom events when its connection string
 * is set (`azure-monitor-telemetry.ts`), structured log lines otherwise (`logTelemetry`).
 *
 * Properties are ids, plan names, dimensions, counts and timings only: never message text, tokens or secrets.
 */
export type TelemetryValue = string | number | boolean | undefined;
export type TelemetryProps = Record<string, TelemetryValue>;

export type SubscriptionEventName =
  | 'SubscriptionActivated'
  | 'SubscriptionChanged'
  | 'SubscriptionSuspended'
  | 'SubscriptionReinstated'
  | 'SubscriptionRenewed'
  | 'SubscriptionUnsubscribed'
  | 'SubscriptionReconciled';

export interface UsageRecordedProps {
  tenantId: string;
  subscriptionId: string;
  planId: string;
  dimension: string;
  quantity: number;
  /** Units above the plan's allowance (what metering will bill). */
  billable: number;
  tokens: number;
  processingMs: number;
}

/** One metered hour after an attempt to bill it: the same facts the operator alerts are decided from. */
export type MeteringResultProps = MeteringOutcome;

/** One run of the billed-vs-sent job: its keys counted per outcome (Application Insights measurements). */
export interface BilledVsSentRunProps {
  runId: number;
  trigger: 'schedule' | 'manual';
  status: 'Done' | 'Failed';
  firstDay: string;
  lastDay: string;
  matches: number;
  pending: number;
  quantityMismatches: number;
  rejected: number;
  missingAtMarketplace: number;
  missingInLedger: number;
  /** Keys an operator must look at (the four kinds of problem together). */
  problems: number;
  durationMs: number;
}

export interface DependencyProps {
  /** `marketplace` and `model` calls are also collected per HTTP attempt by the Azure Monitor distro. */
  target: 'marketplace' | 'model' | 'sql' | (string & {});
  /** The logical operation: `ResolveSubscription`, `ChatCompletion`, `usage.reserve`… */
  name: string;
  durationMs: number;
  success: boolean;
  resultCode?: number | string;
}

export interface Telemetry {
  subscriptionEvent(name: SubscriptionEventName | (string & {}), props: TelemetryProps): void;
  usageRecorded(props: UsageRecordedProps): void;
  meteringResult(props: MeteringResultProps): void;
  /** A billed-vs-sent run ended (event `BilledVsSentRun`). */
  billedVsSent(props: BilledVsSentRunProps): void;
  dependency(props: DependencyProps): void;
  /** Sends what is buffered (graceful shutdown). */
  flush(): Promise<void>;
}

/**
 * One structured line per event, the event name in `event` and no message text, so log queries filter on fields.
 * Per-turn events (usage, dependencies) are debug: at info they would double the log volume of every turn.
 */
export function logTelemetry(logger: Logger): Telemetry {
  const log = logger.child({ component: 'telemetry' });
  return {
    subscriptionEvent(name, props) {
      log.info({ ...props, event: name });
    },
    usageRecorded(props) {
      // One per turn: skip building the line when it would not be written.
      if (log.isLevelEnabled('debug')) log.debug({ ...props, event: 'UsageRecorded' });
    },
    meteringResult(props) {
      log.info({ ...props, hourStart: props.hourStart.toISOString(), event: 'MeteringResult' });
    },
    billedVsSent(props) {
      // Mismatches are billing problems: a warning, so that log alerts can fire on them.
      log[props.problems > 0 || props.status === 'Failed' ? 'warn' : 'info']({ ...props, event: 'BilledVsSentRun' });
    },
    dependency(props) {
      log.debug({ ...props, event: 'Dependency' });
    },
    flush() {
      return new Promise((resolve) => logger.flush(() => resolve()));
    },
  };
}
