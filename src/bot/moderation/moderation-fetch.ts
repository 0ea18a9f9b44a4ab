import { AppError } from '../../domain/errors';

/**
 * One JSON POST to a moderation service, bounded by its own timeout and by the turn's deadline. Errors say the status
 * or the failure's name, never the request (it holds the user's text) nor the key.
 */
export async function moderationFetch(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<unknown> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
    });
  } catch (thrown) {
    const name = timeout.aborted ? 'timeout' : ((thrown as { cause?: { code?: string } }).cause?.code ?? (thrown as Error).name);
    throw new AppError('UpstreamFailed', `moderation call failed (${name})`, { cause: thrown, retryable: true });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new AppError('UpstreamFailed', `moderation call failed (status ${response.status})`, {
      retryable: response.status === 429 || response.status >= 500,
    });
  }
  try {
    return (await response.json()) as unknown;
  } catch (thrown) {
    throw new AppError('UpstreamFailed', 'moderation answer is not JSON', { cause: thrown });
  }
}
