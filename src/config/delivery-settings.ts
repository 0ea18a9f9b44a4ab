import type { DeliveryConfig } from '../config';
import type { ConfigProblems, Reader } from '../config-reader';

/** Teams treats a delivery not answered within about 15 s as failed: the acknowledgement must come well before. */
const TEAMS_DELIVERY_LIMIT_MS = 15_000;

export function loadDelivery(r: Reader, problems: ConfigProblems, reservationTimeoutMs: number): DeliveryConfig {
  const delivery: DeliveryConfig = {
    acknowledgeAfterMs: r.int('ACK_AFTER_MS', 5000, 0, TEAMS_DELIVERY_LIMIT_MS - 1000),
    turnDeadlineMs: r.int('TURN_DEADLINE_MS', 120_000, 100, 3_600_000),
    connectorTimeoutMs: r.int('CONNECTOR_TIMEOUT_MS', 10_000, 50, 120_000),
    tokenTimeoutMs: r.int('BOT_TOKEN_TIMEOUT_MS', 10_000, 50, 120_000),
  };
  if (delivery.turnDeadlineMs <= delivery.acknowledgeAfterMs)
    problems.add('TURN_DEADLINE_MS', `greater than ACK_AFTER_MS (${delivery.acknowledgeAfterMs})`, r.raw('TURN_DEADLINE_MS'));
  // The stale sweep frees claims older than the reservation timeout: a live turn's claim must never look stale, or
  // a redelivery could be answered a second time.
  if (delivery.turnDeadlineMs >= reservationTimeoutMs)
    problems.add(
      'TURN_DEADLINE_MS',
      `less than RESERVATION_TIMEOUT_SECONDS (${reservationTimeoutMs / 1000} s)`,
      r.raw('TURN_DEADLINE_MS'),
    );
  return delivery;
}
