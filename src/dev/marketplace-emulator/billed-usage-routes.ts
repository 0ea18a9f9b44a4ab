import type { Request, Response, Server } from 'restify';
import { RECON_STATUSES, type ReconStatus } from '../../domain/billed-vs-sent';
import { safeRoute } from '../../web/http-server';
// Types only (emulator.ts re-exports the routes module; a runtime import back would make a require cycle).
import type { MarketplaceEmulator } from './emulator';
import { billedUsagePage, continuationTokenOf, type BilledUsageChange, type BilledUsageTarget } from './billed-usage-report';
import { jsonBody } from './request-fields';

/**
 * The emulator's `GET ${prefix}/api/usageEvents` (metered billing retrieval, billed-usage-report.ts) through the API
 * wrapper of emulator-routes.ts (fault dice, outage, api-version and bearer checks), and the development and test
 * control that makes its answer differ from what was accepted:
 *
 * - `POST ${prefix}/billed-usage/changes` `{usageDate, resourceId, dimension, planId?, change: "quantity" | "drop" |
 *   "status", processedQuantity?, submittedQuantity?, reconStatus?}` injects a difference;
 * - `POST ${prefix}/billed-usage/rows` `{usageDate, usageResourceId, dimension, planId, quantity}` adds a row nothing
 *   was accepted for;
 * - `DELETE ${prefix}/billed-usage/changes` forgets them all.
 *
 * Like the emulator's buy and customer-action routes, the control has no authentication: the emulator is refused in
 * production.
 */

interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
type ApiRoute = (name: string, handler: (req: Request) => ApiResult) => (req: Request, res: Response) => Promise<void>;

export function mountBilledUsage(server: Server, emu: MarketplaceEmulator, prefix: string, api: ApiRoute): void {
  server.get(
    `${prefix}/api/usageEvents`,
    api('usageEvents', (req) => {
      const query = (req.query ?? {}) as Record<string, unknown>;
      const page = billedUsagePage(emu.state.acceptedUsage(), query, {
        now: emu.options.clock.now(),
        offerOf: (id) => emu.state.subscription(id)?.offerId ?? emu.options.offerId,
        controls: emu.billedUsage,
      });
      if ('error' in page) return { status: 400, body: page.error };
      const paged = page.nextOffset !== undefined || (query.continuationToken !== undefined && query.continuationToken !== '');
      if (!paged) return { status: 200, body: page.rows };
      const next = new URL(`${emu.options.baseUrl}/api/usageEvents`);
      for (const [key, value] of Object.entries(query))
        if (typeof value === 'string' && key !== 'continuationToken') next.searchParams.set(key, value);
      if (page.nextOffset !== undefined) next.searchParams.set('continuationToken', continuationTokenOf(page.nextOffset));
      return {
        status: 200,
        body: { value: page.rows, ...(page.nextOffset !== undefined ? { '@nextLink': next.toString() } : {}) },
      };
    }),
  );

  const logger = emu.options.logger;
  server.post(
    `${prefix}/billed-usage/changes`,
    safeRoute(logger, (req, res) => {
      const parsed = parseChange(jsonBody(req));
      if (typeof parsed === 'string') res.json(400, { error: 'BadRequest', message: parsed });
      else {
        emu.billedUsage.inject(parsed.target, parsed.change);
        res.json(200, parsed);
      }
      return Promise.resolve();
    }),
  );
  server.post(
    `${prefix}/billed-usage/rows`,
    safeRoute(logger, (req, res) => {
      const body = jsonBody(req);
      const text = (key: string) => (typeof body[key] === 'string' && body[key] !== '' ? (body[key]) : undefined);
      const quantity = typeof body.quantity === 'number' && body.quantity > 0 ? body.quantity : undefined;
      const usageDate = text('usageDate');
      const resourceId = text('usageResourceId');
      const dimension = text('dimension');
      const planId = text('planId');
      if (!usageDate || Number.isNaN(Date.parse(usageDate)) || !resourceId || !dimension || !planId || quantity === undefined) {
        res.json(400, {
          error: 'BadRequest',
          message: 'usageDate (a date), usageResourceId, dimension, planId and quantity (> 0) are required.',
        });
        return Promise.resolve();
      }
      const row = {
        usageDate,
        usageResourceId: resourceId,
        dimension,
        planId,
        offerId: text('offerId') ?? emu.options.offerId,
        submittedQuantity: quantity,
        processedQuantity: quantity,
        submittedCount: 1,
        reconStatus: 'Accepted' as const,
      };
      emu.billedUsage.addRow(row);
      res.json(200, row);
      return Promise.resolve();
    }),
  );
  server.del(
    `${prefix}/billed-usage/changes`,
    safeRoute(logger, (_req, res) => {
      emu.billedUsage.clear();
      res.json(200, { cleared: true });
      return Promise.resolve();
    }),
  );
}

/** A change request, or what is wrong with it. */
export function parseChange(body: Record<string, unknown>): { target: BilledUsageTarget; change: BilledUsageChange } | string {
  const text = (key: string) => (typeof body[key] === 'string' && body[key] !== '' ? (body[key]) : undefined);
  const usageDate = text('usageDate');
  const resourceId = text('resourceId');
  const dimension = text('dimension');
  if (!usageDate || Number.isNaN(Date.parse(usageDate)) || !resourceId || !dimension)
    return 'usageDate (a date), resourceId and dimension are required.';
  const planId = text('planId');
  const target: BilledUsageTarget = { usageDate, resourceId, dimension, ...(planId ? { planId } : {}) };
  const number = (key: string) =>
    typeof body[key] === 'number' && Number.isFinite(body[key]) && (body[key]) >= 0 ? (body[key]) : undefined;
  switch (text('change')) {
    case 'drop':
      return { target, change: { kind: 'drop' } };
    case 'quantity': {
      const processedQuantity = number('processedQuantity');
      const submittedQuantity = number('submittedQuantity');
      if (processedQuantity === undefined) return 'processedQuantity (a number, 0 or more) is required for a quantity change.';
      return {
        target,
        change: { kind: 'quantity', processedQuantity, ...(submittedQuantity !== undefined ? { submittedQuantity } : {}) },
      };
    }
    case 'status': {
      const reconStatus = text('reconStatus');
      if (!reconStatus || !(RECON_STATUSES as readonly string[]).includes(reconStatus))
        return `reconStatus must be one of ${RECON_STATUSES.join(', ')}.`;
      return { target, change: { kind: 'status', reconStatus: reconStatus as ReconStatus } };
    }
    default:
      return 'change must be quantity, drop or status.';
  }
}
