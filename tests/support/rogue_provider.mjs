#!/usr/bin/env node
// A hostile OpenID provider for natter's sign-in tests, made of Node's own
// `http` and `crypto` only. It looks like a provider (discovery, JWKS,
// authorize, token, user info) but its token endpoint hands out an ID token
// crafted to be refused, per MODE:
//
//   good      a correct token (the control: natter must accept it)
//   issuer    `iss` is another issuer's
//   audience  `aud` is another client's
//   expired   `exp` an hour ago
//   nonce     the nonce of an EARLIER authorization, not the one natter sent
//             now (a replayed token); a random one when there was none
//   none      `alg: none`, no signature
//   hmac      HS256, signed with this provider's public key (its PEM) as
//             the secret: the key-confusion attack
//   wrongkey  RS256 signed by a key that is not in the JWKS, under the kid
//             of the one that is
//
// Usage: node rogue_provider.mjs [MODE]   (default: good)
// Once listening it prints ONE line on stdout, {"issuer":"http://127.0.0.1:PORT"}.
// It stops on SIGTERM or when stdin closes.
//
// Control (for the tests, not for natter):
//   POST /_mode with the mode as the body   sets the mode from then on
//   GET  /_log   what it saw: {"authorize": [{client_id, redirect_uri, state,
//                nonce, scope, code_challenge, code_challenge_method}],
//                "token": [{code, pkce_ok, client}], "issued": [mode, ...]}
//
// The authorize endpoint asks nothing: it redirects straight back to the
// given redirect_uri with a fresh code and the given state.

import http from 'node:http';
import crypto from 'node:crypto';

const MODES = ['good', 'issuer', 'audience', 'expired', 'nonce', 'none', 'hmac', 'wrongkey'];
let mode = process.argv[2] ?? 'good';
if (!MODES.includes(mode)) {
  process.stderr.write(`unknown mode ${mode}: use one of ${MODES.join(', ')}\n`);
  process.exit(2);
}

const account = {
  sub: 'rogue-reader',
  name: 'Rogue Reader',
  email: 'rogue@example.org',
  email_verified: true,
};
const kid = crypto.randomBytes(8).toString('hex');
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const publicPem = publicKey.export({ type: 'spki', format: 'pem' });

const seen = { authorize: [], token: [], issued: [] };
const codes = new Map();
const accessTokens = new Set();

const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function jwt(header, claims, sign) {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign(Buffer.from(input))}`;
}

// The ID token for one authorization, as the current mode makes it.
function idToken(issuer, grant) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: issuer,
    sub: account.sub,
    aud: grant.client_id,
    iat: now,
    exp: now + 600,
    nonce: grant.nonce,
    name: account.name,
    email: account.email,
    email_verified: account.email_verified,
  };
  const rs256 = (key) => (input) => crypto.sign('sha256', input, key).toString('base64url');
  const header = { alg: 'RS256', typ: 'JWT', kid };
  switch (mode) {
    case 'issuer':
      claims.iss = 'https://issuer.invalid';
      break;
    case 'audience':
      claims.aud = 'another-client';
      break;
    case 'expired':
      claims.iat = now - 7200;
      claims.exp = now - 3600;
      break;
    case 'nonce': {
      const earlier = seen.authorize.filter((a) => a.nonce && a.nonce !== grant.nonce);
      claims.nonce = earlier.length ? earlier[earlier.length - 1].nonce : crypto.randomBytes(12).toString('hex');
      break;
    }
    case 'none':
      return jwt({ alg: 'none', typ: 'JWT' }, claims, () => '');
    case 'hmac':
      return jwt({ alg: 'HS256', typ: 'JWT', kid }, claims, (input) => crypto
        .createHmac('sha256', publicPem).update(input).digest('base64url'));
    case 'wrongkey':
      return jwt(header, claims, rs256(stranger));
    default:
      break;
  }
  return jwt(header, claims, rs256(privateKey));
}

function send(res, status, body, headers = {}) {
  const json = typeof body !== 'string';
  res.writeHead(status, {
    'content-type': json ? 'application/json' : 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(json ? JSON.stringify(body) : body);
}

async function readBody(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 20000) throw new Error('body too large');
  }
  return body;
}

function discovery(issuer) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    grant_types_supported: ['authorization_code'],
  };
}

function authorize(url, res) {
  const p = url.searchParams;
  const grant = {
    client_id: p.get('client_id'),
    redirect_uri: p.get('redirect_uri'),
    state: p.get('state'),
    nonce: p.get('nonce'),
    scope: p.get('scope'),
    code_challenge: p.get('code_challenge'),
    code_challenge_method: p.get('code_challenge_method'),
  };
  seen.authorize.push(grant);
  let back;
  try {
    back = new URL(grant.redirect_uri);
  } catch {
    send(res, 400, 'redirect_uri missing or not a URL');
    return;
  }
  const code = crypto.randomBytes(16).toString('hex');
  codes.set(code, grant);
  back.searchParams.set('code', code);
  if (grant.state !== null) back.searchParams.set('state', grant.state);
  res.writeHead(302, { location: back.toString() });
  res.end();
}

async function token(issuer, req, res) {
  const form = new URLSearchParams(await readBody(req));
  const code = form.get('code');
  const grant = codes.get(code);
  codes.delete(code);
  const basic = (req.headers.authorization ?? '').startsWith('Basic ');
  const verifier = form.get('code_verifier');
  const pkceOk = Boolean(grant && verifier && grant.code_challenge_method === 'S256'
    && crypto.createHash('sha256').update(verifier).digest('base64url') === grant.code_challenge);
  seen.token.push({ code, pkce_ok: pkceOk, client: basic ? 'basic' : 'post' });
  if (!grant) {
    send(res, 400, { error: 'invalid_grant', error_description: 'unknown or used code' });
    return;
  }
  const access = crypto.randomBytes(16).toString('hex');
  accessTokens.add(access);
  seen.issued.push(mode);
  send(res, 200, {
    access_token: access,
    token_type: 'Bearer',
    expires_in: 600,
    scope: grant.scope ?? 'openid',
    id_token: idToken(issuer, grant),
  });
}

function userinfo(req, res) {
  const [kind, value] = (req.headers.authorization ?? '').split(' ');
  if (kind !== 'Bearer' || !accessTokens.has(value)) {
    send(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return;
  }
  send(res, 200, account);
}

async function route(issuer, req, res) {
  const url = new URL(req.url, issuer);
  process.stderr.write(`[rogue ${mode}] ${req.method} ${url.pathname}\n`);
  switch (`${req.method} ${url.pathname}`) {
    case 'GET /.well-known/openid-configuration':
      return send(res, 200, discovery(issuer));
    case 'GET /jwks': {
      const jwk = publicKey.export({ format: 'jwk' });
      return send(res, 200, { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] });
    }
    case 'GET /authorize':
      return authorize(url, res);
    case 'POST /token':
      return token(issuer, req, res);
    case 'GET /userinfo':
    case 'GET /me':
      return userinfo(req, res);
    case 'POST /_mode': {
      const next = (await readBody(req)).trim();
      if (!MODES.includes(next)) return send(res, 400, `unknown mode: use one of ${MODES.join(', ')}`);
      mode = next;
      return send(res, 200, { mode });
    }
    case 'GET /_log':
      return send(res, 200, seen);
    default:
      return send(res, 404, 'not found');
  }
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  server.on('request', (req, res) => {
    route(issuer, req, res).catch((err) => send(res, 500, String(err.message)));
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
