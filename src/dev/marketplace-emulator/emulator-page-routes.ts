import type { Request, Response, Server } from 'restify';
import { AppError, isAppError } from '../../domain/errors';
import { definedOnly } from '../../domain/defined';
import { safeRoute } from '../../web/http-server';
// Types only: emulator.ts re-exports the routes, and a runtime import back would make a require cycle.
import type { MarketplaceEmulator } from './emulator';
import { emulatorPageCsp, renderEmulatorPage } from './emulator-pages';
import { CUSTOMER_ACTIONS, type CustomerAction } from './emulator-types';
import { jsonBody, param } from './request-fields';

/**
 * The customer's side of the emulator: its page (emulator-pages.ts), buying a plan (→ our landing page with a token)
 * and the lifecycle actions on a subscription (→ our webhook). A form gets a redirect back to the page with a
 * message; a JSON request gets JSON. No authentication: the emulator is refused in production.
 */

export function mountEmulatorPage(server: Server, emu: MarketplaceEmulator, prefix: string): void {
  const logger = emu.options.logger;
  const page = safeRoute(logger, (req, res) => {
    const o = emu.options;
    const html = renderEmulatorPage({
      prefix,
      baseUrl: o.baseUrl,
      webhookUrl: o.webhookUrl,
      landingPageUrl: o.landingPageUrl,
      plans: o.plans,
      subscriptions: emu.state.subscriptions(),
      pendingOperations: (id) => emu.state.pendingOperations(id),
      recentUsage: emu.state.acceptedUsage().reverse().slice(0, 50),
      ...queryText(req, 'message'),
      ...queryText(req, 'error'),
    });
    res.sendRaw(200, html, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': emulatorPageCsp(o.landingPageUrl, o.signInAuthority),
      'Cache-Control': 'no-store',
    });
  });
  server.get(prefix, page);
  server.get(`${prefix}/`, page);

  const backToPage = (res: Response, flash: { message?: string; error?: string }) => {
    const query = flash.error ? `error=${encodeURIComponent(flash.error)}` : `message=${encodeURIComponent(flash.message ?? '')}`;
    redirect(res, 303, `${prefix}/?${query}`);
  };

  server.post(
    `${prefix}/buy`,
    safeRoute(logger, (req, res) => {
      const form = jsonBody(req);
      const text = (key: string) => (typeof form[key] === 'string' && form[key].trim() !== '' ? form[key].trim() : undefined);
      try {
        const bought = emu.buy({
          planId: text('planId') ?? '',
          tenantId: text('tenantId') ?? '',
          ...optionalNumber('quantity', form.quantity),
          ...definedOnly({ objectId: text('objectId') }),
          ...definedOnly({ email: text('email') }),
          ...definedOnly({ name: text('name') }),
          ...definedOnly({ purchaserTenantId: text('purchaserTenantId') }),
          ...(text('activatedAt') && !Number.isNaN(Date.parse(text('activatedAt')!))
            ? { activatedAt: new Date(text('activatedAt')!) }
            : {}),
        });
        if (wantsJson(req)) res.json(201, bought);
        else redirect(res, 302, bought.landingUrl);
      } catch (thrown) {
        if (!isAppError(thrown)) throw thrown;
        if (wantsJson(req)) res.json(400, { error: thrown.code, message: thrown.message });
        else backToPage(res, { error: thrown.message });
      }
    }),
  );

  server.post(
    `${prefix}/subscriptions/:subscriptionId/actions`,
    safeRoute(logger, async (req, res) => {
      const form = jsonBody(req);
      const action = form.action as CustomerAction;
      try {
        if (!CUSTOMER_ACTIONS.includes(action))
          throw new AppError(
            'BadRequest',
            `Unknown action ${String(form.action)}; expected one of ${CUSTOMER_ACTIONS.join(', ')}.`,
          );
        const params = {
          ...(typeof form.planId === 'string' && form.planId !== '' ? { planId: form.planId } : {}),
          ...optionalNumber('quantity', form.quantity),
        };
        const result = await emu.trigger(param(req, 'subscriptionId'), action, params);
        if (wantsJson(req)) {
          res.json(200, result);
          return;
        }
        const answer = result.webhookStatus ? `answered ${result.webhookStatus}` : 'could not be reached';
        backToPage(res, {
          message: `${action}: operation ${result.operationId} is ${result.operation.status}; the webhook ${answer}.`,
        });
      } catch (thrown) {
        if (!isAppError(thrown)) throw thrown;
        if (wantsJson(req)) res.json(thrown.code === 'NotFound' ? 404 : 400, { error: thrown.code, message: thrown.message });
        else backToPage(res, { error: thrown.message });
      }
    }),
  );
}

function wantsJson(req: Request): boolean {
  return (req.header('content-type') ?? '').toLowerCase().includes('application/json');
}

/** A form sends numbers as text and empty fields as ''; JSON sends numbers. */
function optionalNumber<K extends string>(key: K, value: unknown): Partial<Record<K, number>> {
  if (value === undefined || value === null || value === '') return {};
  const n = typeof value === 'number' ? value : Number(value);
  return { [key]: n } as Partial<Record<K, number>>;
}

function queryText(req: Request, key: 'message' | 'error'): Partial<Record<'message' | 'error', string>> {
  const value = (req.query as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' && value !== '' ? { [key]: value.slice(0, 500) } : {};
}

function redirect(res: Response, status: 302 | 303, location: string): void {
  res.writeHead(status, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}
