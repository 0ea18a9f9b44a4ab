import type { Emulator } from '../../src/dev/marketplace-emulator/emulator';
import type { IdpUser } from '../../src/dev/marketplace-emulator/identity-provider';

/**
 * A business-plan purchase by the `n`th fresh tenant of a test (its id starts with `tenantPrefix`, one hex digit):
 * the purchaser and a colleague are users of the emulator's identity provider.
 */
export function buyAsNewTenant(emulator: Emulator, tenantPrefix: string, n: number) {
  const tenantId = `${tenantPrefix}0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const purchaser: IdpUser = { oid: `purchaser-${n}`, tid: tenantId, name: `Ada ${n}`, upn: `ada${n}@contoso${n}.example` };
  const colleague: IdpUser = { oid: `colleague-${n}`, tid: tenantId, name: `Grace ${n}`, upn: `grace${n}@contoso${n}.example` };
  emulator.identityProvider.addUser(purchaser);
  emulator.identityProvider.addUser(colleague);
  const bought = emulator.buy({
    planId: 'business',
    tenantId,
    objectId: purchaser.oid,
    email: purchaser.upn,
    name: `Contoso ${n} assistant`,
  });
  return { ...bought, tenantId, purchaser, colleague };
}
