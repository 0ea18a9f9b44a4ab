/**
 * What an error the identity provider sent back to our redirect URI means for the person signing in. Pages turn the
 * problem into words (each page keeps its own texts); the provider's own description is shown too, as sent.
 */
export type SignInProblem =
  /** The user's organization has not allowed the app yet: an administrator must consent once. */
  | 'admin-consent'
  /** The user closed or declined the sign-in. */
  | 'cancelled'
  /** The account cannot be used here (a personal account, a guest the tenant does not allow, a disabled user). */
  | 'account-not-allowed'
  /** The app registration is wrong (redirect URI, client id, secret): only the publisher can fix it. */
  | 'app-misconfigured'
  | 'other';

export interface ProviderError {
  error: string;
  description?: string;
  problem: SignInProblem;
}

/** AADSTS codes (in the description) that say more than the OAuth `error` does. */
const AADSTS: Record<string, SignInProblem> = {
  '65001': 'admin-consent', // the user or administrator has not consented
  '65004': 'cancelled', // the user declined consent
  '90094': 'admin-consent', // admin consent required (user consent disabled in the tenant)
  '90095': 'admin-consent', // admin consent workflow: the request is waiting for an admin
  '50020': 'account-not-allowed', // user account from an identity provider the tenant does not accept
  '50105': 'account-not-allowed', // the user is not assigned to the app in their tenant
  '53003': 'account-not-allowed', // blocked by Conditional Access
  '700016': 'app-misconfigured', // application not found in the directory
  '50011': 'app-misconfigured', // redirect URI mismatch
  '7000215': 'app-misconfigured', // invalid client secret
  '7000222': 'app-misconfigured', // client secret expired
};

/** Descriptions are shown to the buyer: keep them short, and never echo something that is not text. */
const MAX_DESCRIPTION = 400;

export function classifyProviderError(error: string, description: string | null | undefined): ProviderError {
  const text = description ? description.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, MAX_DESCRIPTION) : '';
  const code = /AADSTS(\d+)/.exec(text)?.[1];
  const problem: SignInProblem =
    (code && AADSTS[code]) ||
    (error === 'consent_required'
      ? 'admin-consent'
      : error === 'access_denied'
        ? 'cancelled'
        : error === 'unauthorized_client' || error === 'invalid_client' || error === 'invalid_request'
          ? 'app-misconfigured'
          : 'other');
  return { error: error.slice(0, 100), ...(text ? { description: text } : {}), problem };
}
