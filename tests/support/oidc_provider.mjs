#!/usr/bin/env node
// A real OpenID provider for natter's sign-in tests: the npm package
// `oidc-provider` on 127.0.0.1, port 0, with one login page of its own.
//
// Usage: node oidc_provider.mjs SETTINGS_JSON
//
// SETTINGS_JSON (also read from the env variable OIDC_SETTINGS when no
// argument is given):
//   {
//     "clients": [{"client_id": "natter", "client_secret": "s3cret",
//                  "redirect_uris": ["http://127.0.0.1:PORT/auth/callback/testid"]}],
//     "accounts": [{"sub": "ann", "name": "Ann", "email": "ann@example.org",
//                   "email_verified": true, ...any further claims}]
//   }
// A client may also set "token_endpoint_auth_method" (client_secret_basic,
// the default, or client_secret_post; either is accepted from a client
// registered with one of them).
//
// Environment:
//   AUTO_LOGIN=sub  every sign-in finishes at once as that account, with no
//                   page shown (for tests without a browser).
//
// Once listening it prints ONE line on stdout, {"issuer":"http://127.0.0.1:PORT"},
// and then logs each request on stderr. It stops on SIGTERM or when stdin closes.
//
// What it offers natter:
//   - discovery at {issuer}/.well-known/openid-configuration, JWKS with a
//     fresh RS256 key made at start;
//   - the authorization-code flow with PKCE S256 required, state and nonce;
//     the ID token carries the account's claims (name, email...) as well;
//   - the same flow as plain OAuth2 (any scopes, `openid` not needed):
//     token endpoint plus the user-info endpoint {issuer}/me, which answers
//     the account's claims for the access token's scopes as JSON, with the
//     non-standard `id`, `login` and `html_url` (GitHub-like names for
//     natter's field mapping); OpenID's own is at {issuer}/userinfo;
//   - a login page at /interaction/{uid}: a "Username" field and a "Sign in"
//     button; consent is granted without another page.

import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

// stdout carries the one JSON line; oidc-provider's own notices (console)
// go to stderr with the request log.
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...parts) => process.stderr.write(`${parts.join(' ')}\n`);
}

const settings = JSON.parse(process.argv[2] ?? process.env.OIDC_SETTINGS ?? '{}');
const autoLogin = process.env.AUTO_LOGIN || null;
const accounts = new Map((settings.accounts ?? []).map((a) => [a.sub, a]));

function log(...parts) {
  process.stderr.write(`[oidc] ${parts.join(' ')}\n`);
}

function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: crypto.randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The claims natter may ask for, by scope. `id`, `login` and `html_url`
// are not OpenID's: they let the OAuth2 tests map fields the way GitHub's
// user-info answer names them.
const claims = {
  openid: ['sub', 'id'],
  email: ['email', 'email_verified'],
  profile: ['name', 'preferred_username', 'profile', 'login', 'html_url'],
};

function accountClaims(issuer, account) {
  return {
    id: `id-${account.sub}`,
    login: account.sub,
    preferred_username: account.sub,
    html_url: `${issuer}/people/${account.sub}`,
    profile: `${issuer}/people/${account.sub}`,
    ...account,
  };
}

function configuration(issuer) {
  return {
    clients: (settings.clients ?? []).map((c) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...c,
    })),
    jwks: { keys: [signingKey()] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    claims,
    // Claims in the ID token too, as Google and most providers send them,
    // so natter may read them there or from the user-info endpoint.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
    },
    routes: { userinfo: '/userinfo', authorization: '/authorize', token: '/token', jwks: '/jwks' },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => accountClaims(issuer, account) };
    },
    // Consent without a page: the grant covers whatever natter asked for.
    async loadExistingGrant(ctx) {
      const { Grant } = ctx.oidc.provider;
      const existing = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (existing) {
        const grant = await Grant.find(existing);
        if (grant) return grant;
      }
      const grant = new Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      grant.addOIDCClaims(Object.values(claims).flat());
      await grant.save();
      return grant;
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Sign-in error</title><h1>Sign-in error</h1>`
        + `<p>${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? '')}</p>`;
    },
  };
}

function loginPage(uid, message) {
  const error = message ? `<p role="alert">${escapeHtml(message)}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test ID: sign in</title></head>
<body><main><h1>Sign in to Test ID</h1>${error}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autofocus>
<button type="submit">Sign in</button>
</form></main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

// The interaction pages: the login form, its POST, or AUTO_LOGIN.
async function interaction(provider, req, res, path) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt } = details;
  if (prompt.name !== 'login') {
    // Consent is covered by loadExistingGrant; any other prompt ends here.
    const result = { consent: {} };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
    return;
  }
  if (autoLogin) {
    log('auto login as', autoLogin);
    await provider.interactionFinished(req, res, { login: { accountId: autoLogin } }, {
      mergeWithLastSubmission: false,
    });
    return;
  }
  if (req.method === 'POST' && path.endsWith('/login')) {
    const username = ((await readForm(req)).get('username') ?? '').trim();
    if (!accounts.has(username)) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginPage(uid, `There is no account "${username}". Try "${[...accounts.keys()][0] ?? ''}".`));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: username } }, {
      mergeWithLastSubmission: false,
    });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(loginPage(uid));
}

// GET /me: user info for an access token of any scope, as plain OAuth2
// providers (GitHub's /user) answer it.
async function me(provider, issuer, req, res) {
  const [kind, value] = (req.headers.authorization ?? '').split(' ');
  const token = kind?.toLowerCase() === 'bearer' && value
    ? await provider.AccessToken.find(value) : undefined;
  const account = token && accounts.get(token.accountId);
  if (!account) {
    res.writeHead(401, {
      'content-type': 'application/json',
      'www-authenticate': 'Bearer error="invalid_token"',
    });
    res.end(JSON.stringify({ message: 'Bad credentials' }));
    return;
  }
  const scopes = new Set(['openid', ...(token.scope ?? '').split(' ')]);
  const all = accountClaims(issuer, account);
  const answer = {};
  for (const [scope, names] of Object.entries(claims)) {
    if (!scopes.has(scope)) continue;
    for (const name of names) if (all[name] !== undefined) answer[name] = all[name];
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer));
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration(issuer));
  provider.on('server_error', (_ctx, err) => log('server error', err.stack));
  provider.on('grant.error', (_ctx, err) => log('grant error', err.message, err.error_description ?? '', err.error_detail ?? ''));
  provider.on('authorization.error', (_ctx, err) => log('authorization error', err.message, err.error_description ?? ''));
  const handler = provider.callback();
  server.on('request', (req, res) => {
    log(req.method, req.url);
    const path = new URL(req.url, issuer).pathname;
    if (path === '/me') {
      me(provider, issuer, req, res).catch((err) => {
        log('me error', err.message);
        res.writeHead(500);
        res.end();
      });
      return;
    }
    if (path.startsWith('/interaction/')) {
      interaction(provider, req, res, path).catch((err) => {
        log('interaction error', err.message);
        res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><title>Sign-in error</title><p>${escapeHtml(err.message)}</p>`);
      });
      return;
    }
    handler(req, res);
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
