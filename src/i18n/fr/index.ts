import type { SameShape } from '../catalog';
import type { en } from '../en';
import common from './common';
import consoleShell from './consoleShell';
import consoleOverview from './consoleOverview';
import consoleSubscriptions from './consoleSubscriptions';
import consoleMetering from './consoleMetering';
import consoleOperations from './consoleOperations';
import consoleHome from './consoleHome';

/** The French catalog: exactly the English one's keys (the compiler refuses a missing or extra one). */
export const fr: SameShape<typeof en> = {
  common,
  consoleShell,
  consoleOverview,
  consoleSubscriptions,
  consoleMetering,
  consoleOperations,
  consoleHome,
};
