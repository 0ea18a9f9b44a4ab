/** A tiny browser for the console tests: keeps the console cookie, reads the CSRF token of forms. */
export class ConsoleClient {
  cookie = '';
  constructor(
    readonly base: string,
    private readonly language = 'en-US',
  ) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.keep(
      await fetch(`${this.base}${path}`, {
        redirect: 'manual',
        headers: { cookie: this.cookie, 'accept-language': this.language, ...headers },
      }),
    );
  }

  async post(path: string, form: Record<string, string>): Promise<Response> {
    return this.keep(
      await fetch(`${this.base}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: this.cookie, 'accept-language': this.language, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      }),
    );
  }

  /** The development sign-in, as a browser does it: the sign-in page, then its form. */
  async devSignIn(): Promise<Response> {
    const page = await (await this.get('/console/sign-in')).text();
    return this.post('/console/dev-sign-in', { csrf: csrfOf(page), next: '/console' });
  }

  private keep(res: Response): Response {
    const set = res.headers.get('set-cookie');
    const match = set?.match(/console_session=([^;]*)/);
    if (match) this.cookie = match[1] ? `console_session=${match[1]}` : '';
    return res;
  }
}

export function csrfOf(page: string): string {
  const match = page.match(/name="csrf" value="([^"]+)"/);
  if (!match?.[1]) throw new Error('no CSRF token in the page');
  return match[1];
}
