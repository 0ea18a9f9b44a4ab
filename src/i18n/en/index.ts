import billedVsSent from './billed-vs-sent';
import common from './common';

/** The English catalog, the reference every language follows: one namespace per file of this folder. */
export const en = {
  common,
  billedVsSent,
};
