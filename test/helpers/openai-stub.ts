import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubBehaviour {
  status?: number;
  content?: string;
  promptTokens?: number;
  completionTokens?: number;
  omitUsage?: boolean;
  delayMs?: number;
  /** Usage worked out from the request (e.g. a provider that counts the prompt its own way); wins over the figures. */
  usage?: (request: StubRequest) => { promptTokens: number; completionTokens: number };
}

export interface StubRequest {
  model?: string;
  max_tokens?: number;
  messages?: { role: string; content: string }[];
}

/**
 * A local OpenAI-compatible server (`POST /v1/chat/completions`) for the real `openai` client. Each test sets how
 * it behaves and reads what it received.
 */
export async function startOpenAIStub(initial: StubBehaviour = {}) {
  let behaviour: StubBehaviour = { ...initial };
  const requests: { url: string; body: StubRequest }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', async () => {
      const body = raw ? JSON.parse(raw) : {};
      requests.push({ url: req.url ?? '', body });
      const b = behaviour;
      if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
      if (!req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      if (b.status && b.status !== 200) {
        res.writeHead(b.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'stub failure', type: 'server_error', code: 'stub' } }));
        return;
      }
      const content = b.content ?? 'Stub answer.';
      const usage = b.usage?.(body) ?? { promptTokens: b.promptTokens ?? 40, completionTokens: b.completionTokens ?? 10 };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-stub',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model ?? 'stub',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
          ...(b.omitUsage
            ? {}
            : {
                usage: {
                  prompt_tokens: usage.promptTokens,
                  completion_tokens: usage.completionTokens,
                  total_tokens: usage.promptTokens + usage.completionTokens,
                },
              }),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    set(next: StubBehaviour) {
      behaviour = { ...next };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
