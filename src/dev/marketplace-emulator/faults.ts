import type { FaultConfig } from '../../config';
import { mulberry32 } from '../../domain/seeded-random';

/**
 * Fault injection for the emulator's `/api/*` calls. The dice are seeded (mulberry32) and every roll draws the same
 * number of values whatever the outcome, so a given seed and call order always produce the same faults: a failing
 * retry test can be replayed exactly.
 */

export type FaultOutcome = 'none' | 'throttle' | 'error' | 'timeout' | 'lostResponse';

export interface FaultRoll {
  outcome: FaultOutcome;
  /** Delay added before anything else. */
  latencyMs: number;
  /** Status of an `error` outcome: 500 or 503, both retryable. */
  errorStatus: 500 | 503;
}

export const NO_FAULTS: Readonly<FaultConfig> = Object.freeze({
  errorRate: 0,
  throttleRate: 0,
  timeoutRate: 0,
  lostResponseRate: 0,
  latencyMs: 0,
  seed: 1,
});

export class FaultDice {
  private config: FaultConfig = { ...NO_FAULTS };
  private random: () => number = mulberry32(NO_FAULTS.seed);

  constructor(config: Partial<FaultConfig> = {}) {
    this.configure(config);
  }

  /** Replaces the configuration and reseeds, so the sequence restarts from the seed. */
  configure(config: Partial<FaultConfig>): void {
    this.config = { ...NO_FAULTS, ...config };
    this.random = mulberry32(this.config.seed);
  }

  get current(): Readonly<FaultConfig> {
    return this.config;
  }

  roll(): FaultRoll {
    // Always five draws, in this order: the sequence depends on the call count only, not on earlier outcomes.
    const [throttle, error, timeout, lost, which] = [this.random(), this.random(), this.random(), this.random(), this.random()];
    const c = this.config;
    const outcome: FaultOutcome =
      throttle < c.throttleRate
        ? 'throttle'
        : error < c.errorRate
          ? 'error'
          : timeout < c.timeoutRate
            ? 'timeout'
            : lost < c.lostResponseRate
              ? 'lostResponse'
              : 'none';
    return { outcome, latencyMs: c.latencyMs, errorStatus: which < 0.5 ? 500 : 503 };
  }
}
