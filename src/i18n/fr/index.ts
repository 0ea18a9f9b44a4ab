import type { SameShape } from '../catalog';
import type { en } from '../en';
import common from './common';
import moderation from './moderation';
import reports from './reports';

/** The French catalog: exactly the English one's keys (the compiler refuses a missing or extra one). */
export const fr: SameShape<typeof en> = {
  common,
  moderation,
  reports,
};
