import type { SameShape } from '../catalog';
import type { en } from '../en';
import adminCards from './adminCards';
import commands from './commands';
import billedVsSent from './billed-vs-sent';
import common from './common';
import help from './help';
import landing from './landing';
import landingErrors from './landingErrors';
import operatorCards from './operatorCards';
import refusal from './refusal';
import turn from './turn';
import conversation from './conversation';
import alerts from './alerts';
import notices from './notices';
import statement from './statement';
import support from './support';
import moderation from './moderation';
import reports from './reports';
import consoleShell from './consoleShell';
import consoleOverview from './consoleOverview';
import consoleSubscriptions from './consoleSubscriptions';
import consoleMetering from './consoleMetering';
import consoleOperations from './consoleOperations';
import consoleHome from './consoleHome';

/** The French catalog: exactly the English one's keys (the compiler refuses a missing or extra one). */
export const fr: SameShape<typeof en> = {
  common,
  help,
  refusal,
  adminCards,
  operatorCards,
  commands,
  turn,
  landing,
  landingErrors,
  conversation,
  billedVsSent,
  alerts,
  notices,
  statement,
  support,
  moderation,
  reports,
  consoleShell,
  consoleOverview,
  consoleSubscriptions,
  consoleMetering,
  consoleOperations,
  consoleHome,
};
