import common from './common';
import consoleShell from './consoleShell';
import consoleOverview from './consoleOverview';
import consoleSubscriptions from './consoleSubscriptions';
import consoleMetering from './consoleMetering';
import consoleOperations from './consoleOperations';
import consoleHome from './consoleHome';

/** The English catalog, the reference every language follows: one namespace per file of this folder. */
export const en = {
  common,
  consoleShell,
  consoleOverview,
  consoleSubscriptions,
  consoleMetering,
  consoleOperations,
  consoleHome,
};
