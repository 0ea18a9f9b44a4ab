import common from './common';
import statement from './statement';
import support from './support';

/** The English catalog, the reference every language follows: one namespace per file of this folder. */
export const en = {
  common,
  statement,
  support,
};
