import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import { AppError } from '../domain/errors';
import type { Logger } from '../logger';
import { createEntraSignIn, describeProviderProblem, type EntraSignIn } from '../web/entra-sign-in/entra-sign-in';

/** The Entra sign-in the landing page and the console share, when LANDING_SSO_* configure one. */
export function createLandingSignIn(config: Readonly<Config>, clock: Clock, logger: Logger): EntraSignIn | undefined {
  const sso = config.landing.sso;
  return sso
    ? createEntraSignIn({
        clientId: sso.clientId,
        credential: sso.certificatePem
          ? { kind: 'certificate', privateKeyPem: sso.certificatePem, certificatePem: sso.certificatePem }
          : { kind: 'secret', secret: sso.clientSecret ?? '' },
        authority: sso.authority,
        requireHttps: config.env === 'production',
        clock,
        logger: logger.child({ component: 'landing-sign-in' }),
      })
    : undefined;
}

/**
 * The sign-in's authority is checked once listening (the emulator's IdP may be this very server): a wrong one
 * stops the start with the variable to fix, rather than failing every buyer later. `close` stops the app first.
 */
export async function checkSignInAuthority(signIn: EntraSignIn, close: () => Promise<void>): Promise<void> {
  try {
    await signIn.ready();
  } catch (thrown) {
    await close();
    throw new AppError('ConfigInvalid', `LANDING_SSO_AUTHORITY must be ${describeProviderProblem(thrown)}`, { cause: thrown });
  }
}
