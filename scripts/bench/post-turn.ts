import http from 'node:http';

/**
 * The load generators' client: one message activity POSTed to `<url>/api/messages` (expectReplies), resolved once
 * the bot's replies include a message. node:http on kept-alive connections: `fetch` (undici) cost the load generator
 * 400–480 µs of CPU per turn on this 2-core VM, about 60 % of a server's turn, so that a server waited on its client
 * 5–11 % of the time and the printed throughput measured the client too; this one costs 95–162 µs.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function postTurn(url: string, body: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = http.request(
      `${url}/api/messages`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let replies: { activities?: { type: string }[] } = {};
          try {
            replies = JSON.parse(text) as typeof replies;
          } catch {
            // Not JSON: reported below with the status.
          }
          if (res.statusCode === 200 && replies.activities?.some((a) => a.type === 'message')) resolve();
          else reject(new Error(`turn failed: ${res.statusCode} ${text.slice(0, 300)}`));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
