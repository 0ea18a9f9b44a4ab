import type { Server } from 'restify';
import type { Logger } from '../logger';
import type { Store } from '../store/store';

/** `GET /healthz`: 200 when the store answers, 503 otherwise. App Service's health check points here. */
export function addHealthRoute(
  server: Server,
  deps: { store: Store; logger: Logger; extra?: () => Record<string, unknown> },
): void {
  server.get('/healthz', async (_req, res) => {
    try {
      await deps.store.ping();
      res.json(200, { status: 'ok', store: deps.store.kind, ...(deps.extra?.() ?? {}) });
    } catch (thrown) {
      deps.logger.error({ err: thrown }, 'health check: store unreachable');
      res.json(503, { status: 'unavailable', store: deps.store.kind });
    }
  });
}
