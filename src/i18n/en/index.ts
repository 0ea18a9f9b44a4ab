import alerts from './alerts';
import common from './common';
import notices from './notices';

/** The English catalog, the reference every language follows: one namespace per file of this folder. */
export const en = {
  common,
  alerts,
  notices,
};
