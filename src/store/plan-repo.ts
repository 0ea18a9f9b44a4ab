import type { Plan } from '../domain/plans';

export interface PlanRepo {
  /** Mirrors the catalog into the plans table; plans no longer in the catalog are kept, marked inactive. */
  sync(plans: readonly Plan[], at: Date): Promise<void>;
}
