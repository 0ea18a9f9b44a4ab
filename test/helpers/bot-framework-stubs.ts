import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';

/** Local stand-ins for the Microsoft endpoints a bot talks to with normal delivery. */

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => resolve(raw));
  });
}

export const BOT_ISSUER = 'https://api.botframework.test';

/**
 * The Bot Framework's OpenID metadata and signing keys, and a signer of channel tokens for our app id: inbound
 * authentication stays on, checked by botbuilder with these keys.
 */
export async function startBotFrameworkKeys(appId: string) {
  const keys: { privateKey: KeyLike; publicKey: KeyLike } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test-key', use: 'sig', alg: 'RS256', endorsements: ['msteams'] };
  let base = '';
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/keys') res.end(JSON.stringify({ keys: [jwk] }));
    else
      res.end(JSON.stringify({ issuer: BOT_ISSUER, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
  });
  base = await listen(server);
  return {
    metadataUrl: `${base}/.well-known/openidconfiguration`,
    /** A channel token for an activity whose serviceUrl is `serviceUrl`. */
    sign: (serviceUrl: string) =>
      new SignJWT({ serviceurl: serviceUrl })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setIssuer(BOT_ISSUER)
        .setAudience(appId)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(keys.privateKey),
    close: () => close(server),
  };
}

export type StubAnswer = 'ok' | 'silent' | { status: number };

export interface ConnectorCall {
  method: string;
  path: string;
  authorization: string | undefined;
  activity: {
    type?: string;
    id?: string;
    text?: string;
    attachments?: unknown[];
    replyToId?: string;
    channelData?: {
      streamType?: string;
      streamSequence?: number;
      streamId?: string;
      feedbackLoopEnabled?: boolean;
      feedbackLoop?: { type?: string };
    };
    entities?: { type?: string; streamType?: string; streamSequence?: number; streamId?: string; additionalType?: string[] }[];
  };
}

/** A stream activity of teams-ai's StreamingResponse, as the connector received it. */
export interface StreamStep {
  type: string | undefined;
  streamType: string | undefined;
  sequence: number | undefined;
  streamId: string | undefined;
  text: string | undefined;
}

/** The calls that belong to a stream (a `streaminfo` entity), in the order they were POSTed. */
export function streamSteps(calls: readonly ConnectorCall[]): StreamStep[] {
  return calls
    .filter((c) => c.activity.entities?.some((e) => e.type === 'streaminfo'))
    .map((c) => {
      const info = c.activity.entities!.find((e) => e.type === 'streaminfo')!;
      return { type: c.activity.type, streamType: info.streamType, sequence: info.streamSequence, streamId: info.streamId, text: c.activity.text };
    });
}

/**
 * The Bot Connector: takes replies (`POST /v3/conversations/{id}/activities[/{replyToId}]`) and records them with
 * their bearer token. It can answer normally, never answer, or answer with a status (5xx, 4xx); typing activities
 * can be told apart from messages.
 */
export async function startStubConnector() {
  let answer: StubAnswer = 'ok';
  let messageAnswer: StubAnswer | undefined;
  let previewAnswer: StubAnswer | undefined;
  const calls: ConnectorCall[] = [];
  let counter = 0;
  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req);
    const activity = raw ? JSON.parse(raw) : {};
    calls.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, activity });
    const isPreview = activity.type === 'typing' && activity.channelData?.streamType !== undefined;
    const how =
      activity.type === 'message' && messageAnswer !== undefined
        ? messageAnswer
        : isPreview && previewAnswer !== undefined
          ? previewAnswer
          : answer;
    if (how === 'silent') return; // Never answers: the client's timeout must end the call.
    if (how !== 'ok') {
      res.writeHead(how.status, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { code: 'ServiceError', message: 'stub failure' } }));
    }
    counter += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `reply-${counter}` }));
  });
  const base = await listen(server);
  return {
    /** The service URL activities carry (with the trailing slash Teams uses). */
    serviceUrl: `${base}/`,
    calls,
    /** Message activities (answers, apologies, cards) received, whatever the stub answered. */
    messages: () => calls.filter((c) => c.activity.type === 'message'),
    /**
     * How every call is answered; `forMessages` overrides it for message activities (typing still succeeds),
     * `forPreviews` for the typing activities of a stream (its partial texts).
     */
    set(next: StubAnswer, forMessages?: StubAnswer, forPreviews?: StubAnswer) {
      answer = next;
      messageAnswer = forMessages;
      previewAnswer = forPreviews;
    },
    close: () => close(server),
  };
}

/** Entra's token endpoint (`POST /{tenant}/oauth2/v2.0/token`, client credentials). */
export async function startStubTokenEndpoint() {
  let answer: StubAnswer = 'ok';
  const requests: { path: string; form: URLSearchParams }[] = [];
  let issued = 0;
  const server = http.createServer(async (req, res) => {
    const form = new URLSearchParams(await readBody(req));
    requests.push({ path: req.url ?? '', form });
    if (answer === 'silent') return;
    if (answer !== 'ok') {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: 'temporarily_unavailable' }));
    }
    issued += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: `outbound-token-${issued}` }));
  });
  const base = await listen(server);
  return {
    /** `BOT_LOGIN_URL` */
    loginUrl: base,
    requests,
    set(next: StubAnswer) {
      answer = next;
    },
    close: () => close(server),
  };
}

/**
 * Posts an activity the way Teams does: normal delivery, a signed token, and a second delivery of the same
 * activity when the first is not answered within `redeliverAfterMs` (Teams waits about 15 s).
 */
export async function deliverLikeTeams(
  url: string,
  activity: Record<string, unknown>,
  token: string,
  options: { redeliverAfterMs: number },
) {
  const post = async () => {
    const started = Date.now();
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(activity),
    });
    await res.text();
    return { status: res.status, ms: Date.now() - started };
  };
  const first = post();
  const deliveries = [first];
  const timedOut = await Promise.race([
    first.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), options.redeliverAfterMs)),
  ]);
  if (timedOut) deliveries.push(post());
  return { redelivered: timedOut, responses: await Promise.all(deliveries) };
}
