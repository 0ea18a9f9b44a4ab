import { MARKETPLACE_AUTH_PROBLEM, marketplaceAuthAlert, meteringAlert, type MeteringOutcome } from '../domain/alert-triggers';
import type { MeteringWorker } from '../worker/metering-worker';
import type { OperatorAlerts } from './operator-alerts';

type WorkerDeps = ConstructorParameters<typeof MeteringWorker>[0];

/**
 * The metering worker's operator alerts: each settled hour that needs the operator (conflict, refused, held,
 * carried: one alert per hour and status), and the call-level `metering.auth` problem as `marketplace.auth_failed`,
 * resolved when an answered call clears it.
 */
export function meteringAlertHooks(alerts: OperatorAlerts): {
  settled: (outcome: MeteringOutcome) => void;
  onAlert: NonNullable<WorkerDeps['onAlert']>;
} {
  return {
    settled: (outcome) => alerts.raiseLater(meteringAlert(outcome)),
    onAlert: ({ key, raised, message }) => {
      if (key !== 'metering.auth') return;
      if (raised) alerts.raiseLater(marketplaceAuthAlert({ detail: message ?? '' }));
      else void alerts.resolve(MARKETPLACE_AUTH_PROBLEM);
    },
  };
}
