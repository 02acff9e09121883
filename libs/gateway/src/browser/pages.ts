import type { PendingRequestView } from '@argus/contracts';

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15);width:22rem}
h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;padding:.6rem 1rem;cursor:pointer}.error{color:#b00020;margin:.5rem 0}ul{padding-left:1.2rem}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Argus</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export function loginPage(view: PendingRequestView, error?: string): string {
  return layout(
    'Sign in',
    `<h1>Sign in to continue to ${escapeHtml(view.client_name)}</h1>
${error ? `<p class="error" role="alert" data-testid="login-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/ui/login">
<input type="hidden" name="req" value="${escapeHtml(view.request_id)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrf_token)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required value="${escapeHtml(view.login_hint ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

export function consentPage(view: PendingRequestView): string {
  const scopes = view.scopes.map((s) => `<li data-testid="scope-item">${escapeHtml(s)}</li>`).join('');
  return layout(
    'Allow access',
    `<h1>${escapeHtml(view.client_name)} asks for access</h1>
<p>It will be able to use:</p><ul>${scopes || '<li data-testid="scope-item">your sign-in only</li>'}</ul>
<form method="post" action="/ui/consent">
<input type="hidden" name="req" value="${escapeHtml(view.request_id)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrf_token)}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

export function errorPage(error: string, description: string): string {
  return layout(
    'Error',
    `<h1>This request cannot be completed</h1>
<p>Error: <code data-testid="error-code">${escapeHtml(error)}</code></p>
<p data-testid="error-description">${escapeHtml(description)}</p>`,
  );
}

/**
 * Asked when logout comes without an id_token_hint naming the current session; the answer is
 * posted back with the same parameters and a CSRF token bound to this browser.
 */
export function logoutConfirmationPage(params: Record<string, string>, csrfToken: string): string {
  const keep = ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id']
    .filter((name) => params[name])
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params[name])}">`)
    .join('');
  return layout(
    'Sign out',
    `<h1>Sign out of Argus?</h1>
<form method="post" action="/oauth2/logout">${keep}<input type="hidden" name="csrf_token" value="${escapeHtml(csrfToken)}"><input type="hidden" name="confirm" value="yes">
<button type="submit" data-testid="logout-confirm">Sign out</button></form>`,
  );
}

export function signedOutPage(): string {
  return layout('Signed out', '<h1>You are signed out</h1>');
}

/** OAuth 2.0 Form Post Response Mode: the browser posts the response to the client (works without JS too). */
export function formPostPage(action: string, params: Record<string, string>, nonce: string): string {
  const inputs = Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return layout(
    'Continue',
    `<form method="post" action="${escapeHtml(action)}">${inputs}<button type="submit">Continue</button></form>
<script nonce="${nonce}">document.forms[0].submit()</script>`,
  );
}
