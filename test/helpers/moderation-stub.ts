import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModerationStubBehaviour {
  /** Texts containing this are flagged. @defaultValue `FLAG-ME` */
  marker?: string;
  /** Azure: the severity given to a flagged text (a clean one gets 0). @defaultValue 6 */
  severity?: number;
  /** Answer every call with this status instead. */
  status?: number;
  /** Answer after this long (a timeout test). */
  delayMs?: number;
}

export interface ModerationRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: { input?: string; model?: string; text?: string; categories?: string[] };
}

/**
 * A local moderation service speaking both protocols the bot can use: OpenAI's `POST /v1/moderations` and Azure AI
 * Content Safety's `POST /contentsafety/text:analyze`. A text containing the marker is flagged (OpenAI: `flagged`
 * with the `violence` category; Azure: Violence at the configured severity).
 */
export async function startModerationStub(initial: ModerationStubBehaviour = {}) {
  let behaviour: ModerationStubBehaviour = { ...initial };
  const requests: ModerationRequest[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => void answer());
    const answer = async () => {
      const body = raw ? (JSON.parse(raw) as ModerationRequest['body']) : {};
      requests.push({ url: req.url ?? '', headers: req.headers, body });
      const b = behaviour;
      if (b.delayMs) await new Promise((resolve) => setTimeout(resolve, b.delayMs));
      if (res.destroyed) return;
      if (b.status) {
        res.writeHead(b.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'stub failure' } }));
        return;
      }
      const marker = b.marker ?? 'FLAG-ME';
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.startsWith('/v1/moderations')) {
        const flagged = String(body.input ?? '').includes(marker);
        res.end(
          JSON.stringify({
            id: 'modr-stub',
            model: body.model,
            results: [{ flagged, categories: { violence: flagged, hate: false }, category_scores: { violence: flagged ? 0.9 : 0 } }],
          }),
        );
      } else if (req.url?.startsWith('/contentsafety/text:analyze')) {
        const flagged = String(body.text ?? '').includes(marker);
        res.end(
          JSON.stringify({
            blocklistsMatch: [],
            categoriesAnalysis: (body.categories ?? []).map((category) => ({
              category,
              severity: flagged && category === 'Violence' ? (b.severity ?? 6) : 0,
            })),
          }),
        );
      } else {
        res.writeHead(404).end();
      }
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** `MODERATION_BASE_URL` for OpenAI (with `/v1`, like the model's base URL). */
    openAIBaseUrl: `http://127.0.0.1:${port}/v1`,
    /** `MODERATION_BASE_URL` for Azure AI Content Safety (the resource endpoint). */
    contentSafetyEndpoint: `http://127.0.0.1:${port}`,
    requests,
    set(next: ModerationStubBehaviour) {
      behaviour = { ...next };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
