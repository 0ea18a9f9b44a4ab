import type { Request, Response, Server } from 'restify';
import type { EmulatorLicences } from './emulator-licences';
import { param } from './request-fields';

const TOKEN_PREFIX = 'emulator-graph.';

/**
 * What the licence check needs from Microsoft, served by the emulator: an Entra token endpoint for client
 * credentials (`POST {prefix}/graph-login/{tenant}/oauth2/v2.0/token`) and Graph (beta)
 * `GET {prefix}/graph/beta/users/{id}/usageRights?$filter=serviceIdentifier eq '…'`, answering for the tenant the
 * token was issued in. Development and tests only; no signature: the token names its tenant.
 */
export function mountGraphEmulator(server: Server, licences: EmulatorLicences, prefix: string): void {
  // eslint-disable-next-line @typescript-eslint/require-await -- restify ends the chain when an async handler settles
  server.post(`${prefix}/graph-login/:tenantId/oauth2/v2.0/token`, async (req: Request, res: Response) => {
    if (licences.outage) {
      res.json(503, { error: 'temporarily_unavailable' });
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials') {
      res.json(400, { error: 'unsupported_grant_type' });
      return;
    }
    res.json(200, {
      token_type: 'Bearer',
      expires_in: 3600,
      access_token: `${TOKEN_PREFIX}${param(req, 'tenantId')}`,
    });
  });
  // eslint-disable-next-line @typescript-eslint/require-await -- restify ends the chain when an async handler settles
  server.get(`${prefix}/graph/beta/users/:userId/usageRights`, async (req: Request, res: Response) => {
    if (licences.outage) {
      res.json(503, { error: { code: 'serviceNotAvailable', message: 'Graph is unavailable.' } });
      return;
    }
    const auth = req.header('authorization') ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
    if (!token.startsWith(TOKEN_PREFIX)) {
      res.json(401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or invalid.' } });
      return;
    }
    const query = req.query as Record<string, unknown> | undefined;
    const filter = typeof query?.$filter === 'string' ? query.$filter : '';
    const service = /serviceIdentifier eq '((?:[^']|'')*)'/.exec(filter)?.[1]?.replace(/''/g, "'");
    const tenantId = token.slice(TOKEN_PREFIX.length);
    res.json(200, { value: licences.list(tenantId, param(req, 'userId'), service) });
  });
}
