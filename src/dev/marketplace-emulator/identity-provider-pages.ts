import { escapeHtml } from './emulator-pages';
import type { IdpUser } from './identity-provider';

/**
 * The emulator IdP's pages: pick an account (Entra's "Pick an account"), approve for an organization (admin
 * consent), and the error page Entra shows when it cannot redirect. Plain forms, no script.
 */

const STYLE = `
body { font-family: "Segoe UI", system-ui, sans-serif; background: #f2f2f2; margin: 0; color: #1b1b1b; }
main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 2rem 2.5rem; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
h1 { font-size: 1.5rem; font-weight: 600; margin: 0 0 1rem; }
.note { color: #555; font-size: .9rem; }
.account { display: block; width: 100%; text-align: left; padding: .75rem; margin: .25rem 0; border: 1px solid #ddd; background: #fff; font: inherit; cursor: pointer; }
.account:hover { background: #f5f5f5; }
.account small { display: block; color: #555; }
.cancel { margin-top: 1rem; background: none; border: 0; color: #0067b8; font: inherit; cursor: pointer; padding: 0; }
.primary { background: #0067b8; color: #fff; border: 0; padding: .5rem 1.5rem; font: inherit; cursor: pointer; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>
<p class="note">Emulator: stands in for Microsoft Entra sign-in</p>
${body}
</main></body>
</html>`;
}

/** The page's policy: its inline style; its forms post to itself, and are redirected to the app's redirect URI. */
export function identityProviderCsp(redirectUri: string | undefined): string {
  let target = '';
  try {
    if (redirectUri) target = ` ${new URL(redirectUri).origin}`;
  } catch {
    // No valid redirect URI: forms stay on the emulator.
  }
  return `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${target}; base-uri 'none'; frame-ancestors 'none'`;
}

function hidden(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
}

export function accountPickerPage(action: string, fields: Record<string, string | undefined>, users: IdpUser[]): string {
  const accounts = users
    .map(
      (u) =>
        `<button class="account" type="submit" name="user" value="${escapeHtml(`${u.tid}|${u.oid}`)}">${escapeHtml(u.name)}<small>${escapeHtml(u.upn)} · tenant ${escapeHtml(u.tid)}</small></button>`,
    )
    .join('\n');
  return page(
    'Pick an account',
    `<h1>Pick an account</h1>
<form method="post" action="${escapeHtml(action)}">
${hidden(fields)}
${accounts}
<button class="cancel" type="submit" name="cancel" value="1">Cancel</button>
</form>`,
  );
}

export function adminConsentPage(action: string, fields: Record<string, string | undefined>, tenants: string[]): string {
  const options = tenants.map((t) => `<option value="${escapeHtml(t)}">${escapeHtml(t)}</option>`).join('');
  return page(
    'Permissions requested',
    `<h1>Permissions requested</h1>
<p>Accept for your organization: the app may sign users in and read their basic profile.</p>
<form method="post" action="${escapeHtml(action)}">
${hidden(fields)}
<label for="consent-tenant">Organization (tenant)</label>
<select id="consent-tenant" name="tenant">${options}</select>
<p><button class="primary" type="submit">Accept</button></p>
</form>`,
  );
}

export function idpErrorPage(error: string, description: string): string {
  return page('Sign in', `<h1>Sorry, but we're having trouble signing you in.</h1><p>${escapeHtml(description)}</p><p class="note">${escapeHtml(error)}</p>`);
}
