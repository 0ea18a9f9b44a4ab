import type { Subscription } from './subscription';

/**
 * Who may see and activate a subscription on the landing page, and who becomes an admin of the app when it is
 * activated (DESIGN.md "Landing page"). Pure rules on our own types: the sign-in that proves who the user is lives
 * in src/web/entra-sign-in/.
 *
 * - The purchaser (same object id in the purchaser's tenant) may, of course.
 * - Anyone signed in with a work account of the purchaser's tenant or of the beneficiary's tenant may: the
 *   Marketplace lets any admin of those tenants open "Configure account", and the person who sets the app up is
 *   often not the one who paid. Entra has proved the tenant, which is what the subscription belongs to.
 * - Anyone else is refused, whatever link they hold: a landing link forwarded outside the organization must not
 *   show the purchase, the usage, or let a stranger start the billing.
 */

/** The signed-in user, as proven by the identity provider (tenant and object ids). */
export interface SignedInUser {
  oid: string;
  tid: string;
  name?: string;
  /** `preferred_username`: usually the UPN or the email. Shown, never trusted for access. */
  upn?: string;
  /** App roles assigned to the user in the tenant they signed in to (`roles`); the console's access reads them. */
  roles?: string[];
}

export type LandingRole = 'purchaser' | 'purchaser-tenant' | 'beneficiary-tenant';

export type LandingAccess = { allowed: true; role: LandingRole } | { allowed: false };

/** Tenant ids are GUIDs; Entra writes them in lower case, but compare without caring. */
const sameId = (a: string | undefined, b: string | undefined) =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

export function landingAccess(user: SignedInUser, subscription: Pick<Subscription, 'purchaser' | 'beneficiary'>): LandingAccess {
  const { purchaser, beneficiary } = subscription;
  if (sameId(user.oid, purchaser.objectId) && (!purchaser.tenantId || sameId(user.tid, purchaser.tenantId)))
    return { allowed: true, role: 'purchaser' };
  if (sameId(user.tid, beneficiary.tenantId)) return { allowed: true, role: 'beneficiary-tenant' };
  if (sameId(user.tid, purchaser.tenantId)) return { allowed: true, role: 'purchaser-tenant' };
  return { allowed: false };
}

/** Someone made an admin of the app in the beneficiary's tenant at activation, and why. */
export interface ActivationAdmin {
  userId: string;
  userName?: string;
  reason: 'purchaser' | 'activator';
}

/**
 * Admins of the app are per tenant, and the app runs in the beneficiary's tenant: only an identity of that tenant
 * can administer it there.
 *
 * - The purchaser, when the purchase was made from the beneficiary's tenant (a partner buying for a customer is in
 *   another tenant, and its object id means nothing in the customer's).
 * - The signed-in user who pressed Activate, when they are a user of the beneficiary's tenant: they proved it with
 *   Entra, and they are the one setting the app up (often the IT admin, not the buyer). A user of the purchaser's
 *   tenant who activates for another tenant does not become an admin there.
 *
 * Nobody else: the beneficiary party of the Marketplace record is not made an admin by itself (that was a second,
 * unchecked grant; the beneficiary's users are covered by the activator rule).
 */
export function adminsOnActivation(
  subscription: Pick<Subscription, 'purchaser' | 'beneficiary'>,
  activator: SignedInUser | undefined,
): ActivationAdmin[] {
  const tenantId = subscription.beneficiary.tenantId;
  if (!tenantId) return [];
  const admins: ActivationAdmin[] = [];
  const { purchaser } = subscription;
  if (purchaser.objectId && (!purchaser.tenantId || sameId(purchaser.tenantId, tenantId)))
    admins.push({
      userId: purchaser.objectId,
      ...(purchaser.emailId ? { userName: purchaser.emailId } : {}),
      reason: 'purchaser',
    });
  if (activator && sameId(activator.tid, tenantId) && !admins.some((a) => sameId(a.userId, activator.oid)))
    admins.push({
      userId: activator.oid,
      ...((activator.upn ?? activator.name) ? { userName: activator.upn ?? activator.name } : {}),
      reason: 'activator',
    });
  return admins;
}

/** One line for the operations log: who did it, never a token. */
export function describeUser(user: SignedInUser): string {
  return `${user.upn ?? user.name ?? 'unknown'} (oid ${user.oid}, tenant ${user.tid})`;
}
