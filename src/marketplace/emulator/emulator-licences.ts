import type { UsageRightState } from '../../domain/licence';

/** A usage right as Graph (beta) `usageRights` returns it. */
export interface UsageRight {
  id: string;
  catalogId: string;
  serviceIdentifier: string;
  state: UsageRightState;
}

/**
 * The Microsoft 365 side of Microsoft-managed licences: which user of which tenant holds a licence for which plan
 * (its service id), in which state. Customer admins assign them in the admin center; tests set them here.
 */
export class EmulatorLicences {
  private readonly rights = new Map<string, UsageRight>();
  /** While true, Graph and its token endpoint answer 503 (Microsoft unreachable). */
  outage = false;

  /** Assigns (or with `undefined` removes) a user's licence for a plan. */
  set(tenantId: string, userId: string, serviceIdentifier: string, state: UsageRightState | undefined): void {
    const key = `${tenantId}|${userId}|${serviceIdentifier}`;
    if (state === undefined) this.rights.delete(key);
    else
      this.rights.set(key, {
        id: `${userId}-${serviceIdentifier}`,
        catalogId: serviceIdentifier,
        serviceIdentifier,
        state,
      });
  }

  list(tenantId: string, userId: string, serviceIdentifier?: string): UsageRight[] {
    return [...this.rights.entries()]
      .filter(
        ([key, r]) =>
          key.startsWith(`${tenantId}|${userId}|`) && (!serviceIdentifier || r.serviceIdentifier === serviceIdentifier),
      )
      .map(([, r]) => ({ ...r }));
  }
}
