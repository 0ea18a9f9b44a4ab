import type { UsageRightState } from '../../domain/licence';

/** A usage right as Graph (beta) `usageRights` returns it. */
export interface UsageRight {
  id: string;
  catalogId: string;
  serviceIdentifier: string;
  state: UsageRightState;
}

/** A licence as the emulator's state file keeps it. */
export interface LicenceRecord {
  tenantId: string;
  userId: string;
  serviceIdentifier: string;
  state: UsageRightState;
}

const STATES: readonly UsageRightState[] = ['active', 'warning', 'inactive', 'suspended'];

/**
 * The Microsoft 365 side of Microsoft-managed licences: which user of which tenant holds a licence for which plan
 * (its service id), in which state. Customer admins assign them in the admin center; tests set them here. Kept in
 * the emulator's state file with the subscriptions (`records`, `load`); the Graph outage switch is not.
 */
export class EmulatorLicences {
  private readonly rights = new Map<string, UsageRight & { tenantId: string; userId: string }>();
  /** While true, Graph and its token endpoint answer 503 (Microsoft unreachable). */
  outage = false;

  /** `onChange` is called after every assignment or removal (the emulator persists then). */
  constructor(private readonly onChange: () => void = () => {}) {}

  /** Assigns (or with `undefined` removes) a user's licence for a plan. */
  set(tenantId: string, userId: string, serviceIdentifier: string, state: UsageRightState | undefined): void {
    this.put({ tenantId, userId, serviceIdentifier, state });
    this.onChange();
  }

  private put(r: Omit<LicenceRecord, 'state'> & { state: UsageRightState | undefined }): void {
    const key = `${r.tenantId}|${r.userId}|${r.serviceIdentifier}`;
    if (r.state === undefined) this.rights.delete(key);
    else
      this.rights.set(key, {
        id: `${r.userId}-${r.serviceIdentifier}`,
        catalogId: r.serviceIdentifier,
        serviceIdentifier: r.serviceIdentifier,
        state: r.state,
        tenantId: r.tenantId,
        userId: r.userId,
      });
  }

  /** Every licence, in assignment order (the state file's `licences`). */
  records(): LicenceRecord[] {
    return [...this.rights.values()].map(({ tenantId, userId, serviceIdentifier, state }) => ({
      tenantId,
      userId,
      serviceIdentifier,
      state,
    }));
  }

  /** Restores saved licences (a state file from before licences were kept has none); malformed entries are skipped. */
  load(records: readonly LicenceRecord[] | undefined): void {
    for (const r of (Array.isArray(records) ? records : []) as readonly (Partial<LicenceRecord> | undefined)[]) {
      const valid =
        typeof r?.tenantId === 'string' &&
        typeof r.userId === 'string' &&
        typeof r.serviceIdentifier === 'string' &&
        STATES.includes(r.state as UsageRightState);
      if (valid) this.put(r as LicenceRecord);
    }
  }

  list(tenantId: string, userId: string, serviceIdentifier?: string): UsageRight[] {
    return [...this.rights.entries()]
      .filter(
        ([key, r]) =>
          key.startsWith(`${tenantId}|${userId}|`) && (!serviceIdentifier || r.serviceIdentifier === serviceIdentifier),
      )
      .map(([, { id, catalogId, serviceIdentifier, state }]) => ({ id, catalogId, serviceIdentifier, state }));
  }
}
