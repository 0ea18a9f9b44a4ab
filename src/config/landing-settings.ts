import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import type { Config, Environment } from '../config';
import type { ConfigProblems, Reader } from '../config-reader';

export function loadLanding(r: Reader, problems: ConfigProblems, env: Environment): Config['landing'] {
  const ssoClientId = r.str('LANDING_SSO_CLIENT_ID');
  const ssoSecret = r.str('LANDING_SSO_CLIENT_SECRET');
  const certificatePem = r.str('LANDING_SSO_CERTIFICATE');
  if (env === 'production') {
    // Marketplace certification: the landing page of a transactable SaaS offer signs the buyer in with Entra ID.
    const why = 'set in production (Marketplace requires Entra sign-in on the landing page of a transactable offer)';
    if (!ssoClientId) problems.add('LANDING_SSO_CLIENT_ID', why);
    if (!ssoSecret && !certificatePem) problems.add('LANDING_SSO_CLIENT_SECRET', `${why}; or LANDING_SSO_CERTIFICATE instead`);
  } else if (ssoClientId && !ssoSecret && !certificatePem)
    problems.add('LANDING_SSO_CLIENT_SECRET', 'set with LANDING_SSO_CLIENT_ID (or LANDING_SSO_CERTIFICATE)');
  if (certificatePem && !validCertificatePem(certificatePem))
    problems.add('LANDING_SSO_CERTIFICATE', 'a PEM holding the private key and the certificate of the landing app registration');
  const expires = r.str('LANDING_SSO_CLIENT_SECRET_EXPIRES_AT');
  let secretExpiresAt: Date | undefined;
  if (expires) {
    secretExpiresAt = new Date(expires);
    if (Number.isNaN(secretExpiresAt.getTime())) {
      problems.add('LANDING_SSO_CLIENT_SECRET_EXPIRES_AT', 'an ISO date (e.g. 2027-03-31)', expires);
      secretExpiresAt = undefined;
    }
  }
  const sessionSecret = r.str('SESSION_SECRET');
  if (env === 'production' && (!sessionSecret || sessionSecret.length < 32)) {
    problems.add('SESSION_SECRET', 'at least 32 characters in production (it signs the landing page session)');
  }
  return {
    teamsAppId: r.str('TEAMS_APP_ID', '00000000-0000-0000-0000-000000000000')!,
    ...(ssoClientId && (ssoSecret || certificatePem)
      ? {
          sso: {
            clientId: ssoClientId,
            // The certificate wins when both are set: the secret can then be deleted from the registration.
            ...(certificatePem ? { certificatePem } : { clientSecret: ssoSecret! }),
            authority: r.url('LANDING_SSO_AUTHORITY', 'https://login.microsoftonline.com/organizations')!,
            ...(secretExpiresAt && !certificatePem ? { secretExpiresAt } : {}),
          },
        }
      : {}),
    // Outside production a per-process random key: sessions do not survive a restart, which is fine locally.
    sessionSecret: sessionSecret ?? randomBytes(32).toString('hex'),
    activationWaitMs: r.int('ACTIVATION_WAIT_MS', 10_000, 0, 120_000),
  };
}

/** Both halves present and readable (the value itself is never echoed: it holds a private key). */
function validCertificatePem(pem: string): boolean {
  try {
    createPrivateKey(pem);
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
