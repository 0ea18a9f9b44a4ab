import common from './common';
import moderation from './moderation';
import reports from './reports';

/** The English catalog, the reference every language follows: one namespace per file of this folder. */
export const en = {
  common,
  moderation,
  reports,
};
