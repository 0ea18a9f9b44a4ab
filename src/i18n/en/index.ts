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

/** The English catalog, the reference every language follows: one namespace per file of this folder. */
export const en = {
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
