import type { Clock } from '../domain/clock';
import type { PlanCatalog } from '../domain/plans';
import type { Logger } from '../logger';
import type { Store } from '../store/store';

/** What every part of the app is wired with: the store, the plan catalog, the clock and the logger. */
export interface AppCore {
  store: Store;
  catalog: PlanCatalog;
  clock: Clock;
  logger: Logger;
}
