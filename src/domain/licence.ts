/**
 * Microsoft-managed licences (per-user offers that chose "license management through Microsoft"): customer admins
 * assign licences in the Microsoft 365 admin center, and Graph `usageRights` tells the state of a user's licence for
 * a plan. `warning` is a grace state (a payment problem, say): the user is served, with a notice. Every other state,
 * no licence at all, and a check that could not be made are refused, before any AI call, so nothing is billed.
 */
export const USAGE_RIGHT_STATES = ['active', 'warning', 'inactive', 'suspended'] as const;
export type UsageRightState = (typeof USAGE_RIGHT_STATES)[number];

/** What a licence check found: a state, no usage right for the plan, or no answer from Microsoft. */
export type LicenceState = UsageRightState | 'none' | 'unreachable';

/** The port the gate asks (the Graph adapter is src/marketplace/graph-usage-rights.ts). */
export interface LicenceChecker {
  check(tenantId: string, userId: string, serviceIdentifier: string): Promise<LicenceState>;
}

/** The best state among a user's usage rights for one plan (a user may hold several, e.g. after a re-purchase). */
export function bestUsageRight(states: readonly string[]): LicenceState {
  for (const state of USAGE_RIGHT_STATES) if (states.includes(state)) return state;
  return 'none';
}

/**
 * Whether a user may chat. `notice: 'licence-warning'`: served, and told first that their licence needs attention
 * (the bot edge words it in the user's language).
 */
export type LicenceVerdict =
  | { allowed: true; notice?: 'licence-warning' }
  | { allowed: false; state: Exclude<LicenceState, 'active' | 'warning'> };

export function licenceVerdict(state: LicenceState): LicenceVerdict {
  switch (state) {
    case 'active':
      return { allowed: true };
    case 'warning':
      return { allowed: true, notice: 'licence-warning' };
    default:
      return { allowed: false, state };
  }
}
