import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'restify';
import type { Clock } from '../domain/clock';
import type { PlanCatalog } from '../domain/plans';
import type { Logger } from '../logger';
import { meteringOverview } from '../marketplace/metering-overview';
import type { Store } from '../store/store';
import { safeRoute, sendError } from './http-server';

/**
 * JSON endpoints for the publisher's admin page: `GET /admin/api/metering`. They expose every tenant, so they need
 * `Authorization: Bearer <ADMIN_API_TOKEN>`; without a configured token they do not exist (404).
 */
export function addAdminApiRoutes(
  server: Server,
  deps: { token: string | undefined; store: Store; catalog: PlanCatalog; clock: Clock; logger: Logger },
): void {
  const expected = deps.token ? Buffer.from(`Bearer ${deps.token}`) : undefined;
  server.get(
    '/admin/api/metering',
    safeRoute(deps.logger, async (req, res) => {
      if (!expected) return sendError(res, 404, 'NotFound', 'Not found.');
      const given = Buffer.from(req.header('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        deps.logger.warn({ ip: req.socket?.remoteAddress }, 'admin API refused');
        return sendError(res, 401, 'Unauthorized', 'A valid admin token is required.');
      }
      res.header('Cache-Control', 'no-store');
      res.json(200, await meteringOverview(deps.store, deps.catalog, deps.clock.now()));
    }),
  );
}
