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
  /** Streamed requests (`stream: true`): the answer's pieces, in order (default: the content cut after each space). */
  chunks?: string[];
  /** Streamed requests: wait this long before each piece. */
  chunkDelayMs?: number;
  /** Streamed requests: after this many pieces the connection is cut (a provider failing mid-stream). */
  breakAfterChunks?: number;
}

export interface StubRequest {
  model?: string;
  max_tokens?: number;
  messages?: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

/**
 * A local OpenAI-compatible server (`POST /v1/chat/completions`) for the real `openai` client. Each test sets how
 * it behaves and reads what it received. A request with `stream: true` is answered with server-sent events as
 * OpenAI sends them: one `chat.completion.chunk` per piece, a last one with `finish_reason`, then (with
 * `stream_options.include_usage`) a chunk with no choices and the usage, then `data: [DONE]`.
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
      if (body.stream) return streamAnswer(res, body, b, content, usage);
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

/** The pieces a streamed answer comes in: after each space, as models stream words. */
export function wordChunks(content: string): string[] {
  return content.match(/\S+\s*|\s+/g) ?? [];
}

async function streamAnswer(
  res: http.ServerResponse,
  body: StubRequest,
  b: StubBehaviour,
  content: string,
  usage: { promptTokens: number; completionTokens: number },
): Promise<void> {
  const base = { id: 'chatcmpl-stub', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model ?? 'stub' };
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  const pieces = b.chunks ?? wordChunks(content);
  for (const [i, piece] of pieces.entries()) {
    // Pauses before each piece: the pieces before a break have left by then.
    await new Promise((r) => setTimeout(r, b.chunkDelayMs ?? 0));
    if (b.breakAfterChunks !== undefined && i >= b.breakAfterChunks) {
      // The provider drops the connection mid-answer.
      res.socket?.destroy();
      return;
    }
    send({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
  }
  send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  if (body.stream_options?.include_usage && !b.omitUsage) {
    send({
      ...base,
      choices: [],
      usage: {
        prompt_tokens: usage.promptTokens,
        completion_tokens: usage.completionTokens,
        total_tokens: usage.promptTokens + usage.completionTokens,
      },
    });
  }
  res.end('data: [DONE]\n\n');
}
