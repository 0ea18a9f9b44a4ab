/**
 * Who may open the publisher console: it shows every customer, so only the publisher's operators. Either the
 * user's Entra object id is one of OPERATOR_IDS, or the user holds the console's app role in the publisher's own
 * tenant. The tenant matters for the role: a customer's administrator can assign our multi-tenant app's roles in
 * their own tenant, so a role claim from any other tenant proves nothing.
 */
export interface ConsoleUser {
  oid: string;
  tid: string;
  name?: string;
  upn?: string;
  /** App roles from the id_token (`roles`). */
  roles?: readonly string[];
  /** Signed in with the development-only local sign-in. */
  dev?: boolean;
}

export interface ConsoleAccessRules {
  operatorIds: readonly string[];
  /** The app role that grants access. */
  operatorRole: string;
  /** The publisher's tenant id. */
  publisherTenantId: string;
}

const same = (a: string | undefined, b: string | undefined) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

export function isConsoleOperator(user: ConsoleUser, rules: ConsoleAccessRules): boolean {
  if (rules.operatorIds.some((id) => same(id, user.oid))) return true;
  return same(user.tid, rules.publisherTenantId) && (user.roles ?? []).includes(rules.operatorRole);
}
