import common from './common';
import conversation from './conversation';

/** The English catalog, the reference every language follows: one namespace per file of this folder. */
export const en = {
  common,
  conversation,
};
