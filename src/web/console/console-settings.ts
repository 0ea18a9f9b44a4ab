import type { ConfigProblems, Reader } from '../../config-reader';
import { DEFAULT_MARKETPLACE_FEE_PERCENT } from '../../domain/revenue';

/** The publisher console's settings (README "Publisher console"). */
export interface ConsoleSettings {
  /**
   * A local "Sign in as the Playground operator" button, no identity provider: for `npm start` on a developer's
   * machine. Refused in production. @defaultValue on with NODE_ENV=development, off otherwise (`CONSOLE_DEV_SIGN_IN`)
   */
  devSignIn: boolean;
  /**
   * The app role (of the landing page's app registration) that opens the console to users of the publisher's tenant,
   * besides OPERATOR_IDS. @defaultValue `Console.Operator` (`CONSOLE_OPERATOR_ROLE`)
   */
  operatorRole: string;
  /**
   * Microsoft's store service fee, in percent of what customers pay, to show revenue after it.
   * @defaultValue 3 (`MARKETPLACE_FEE_PERCENT`: the standard fee for transactable SaaS offers)
   */
  marketplaceFeePercent: number;
  /** Subscriptions per page of the list. @defaultValue 25 (`CONSOLE_PAGE_SIZE`) */
  pageSize: number;
}

export function loadConsoleSettings(r: Reader, problems: ConfigProblems, env: string): ConsoleSettings {
  const devSignIn = r.bool('CONSOLE_DEV_SIGN_IN', env === 'development');
  // Anyone reaching the server would be an operator: every customer's data, and the metering actions.
  if (devSignIn && env === 'production')
    problems.add('CONSOLE_DEV_SIGN_IN', 'off in production (it lets anyone in as an operator)', r.raw('CONSOLE_DEV_SIGN_IN'));
  const operatorRole = r.str('CONSOLE_OPERATOR_ROLE', 'Console.Operator')!;
  return {
    devSignIn,
    operatorRole,
    marketplaceFeePercent: r.num('MARKETPLACE_FEE_PERCENT', DEFAULT_MARKETPLACE_FEE_PERCENT, 0, 100),
    pageSize: r.int('CONSOLE_PAGE_SIZE', 25, 5, 200),
  };
}
