// Real parts for the browser tests: a natter server on 127.0.0.1:0 with its
// own SQLite file, a host page server on another origin (localhost:0),
// headless Chromium, and for sign-in and email the real OpenID provider
// (tests/support/oidc_provider.mjs, npm oidc-provider) and the real SMTP
// server (tests/support/smtp_sink.py). Nothing here is a mock.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const top = resolve(import.meta.dirname, '../..');
const bin = process.env.NATTER_BIN || join(top, 'target/debug/natter');

/** The README's snippet, pointed at a natter origin. */
export const snippet = (natter, attrs = '') =>
  `<div id="natter"${attrs}></div>\n<script src="${natter}/embed.js" async></script>`;

/** A host page server on its own origin; `pages` maps a path to a function
 *  (natterOrigin) -> HTML body, so pages can name natter's port once known.
 *  A function may instead give {type, body, headers}: a file sent as it is
 *  (with those headers), with an ETag that a conditional GET
 *  (If-None-Match) is answered 304 by, as a blog's feed is.
 *  `state.requests` lists the paths asked for. */
export async function startPages(pages) {
  const state = { natter: '', requests: [] };
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    state.requests.push(path);
    const page = pages[path];
    if (!page) {
      res.writeHead(404).end('not found');
      return;
    }
    const body = page(state.natter);
    if (typeof body === 'object') {
      const etag = '"' + createHash('sha256').update(body.body).digest('hex').slice(0, 16) + '"';
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ETag: etag }).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': body.type, ETag: etag, ...body.headers }).end(body.body);
      return;
    }
    const html = body.startsWith('<!doctype') ? body
      : `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test page ${path}</title></head><body><main>${body}</main></body></html>`;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  state.origin = `http://localhost:${server.address().port}`;
  state.close = () => new Promise((r) => server.close(r));
  return state;
}

/** A loopback port free just now (for an address that must be known before
 *  its server starts, as natter's `public_url` in a provider's redirect URL). */
export async function freePort() {
  const server = createTcpServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts natter with one site per entry of `sites` ({id, origins,
 *  moderation, editWindow, and for sign-in and new posts: signIn (provider
 *  ids), guests, ownEdits, teamBadge, feed, feedEvery}); resolves once it
 *  prints its listening line. With `smtp`, email notifications are on: to
 *  `mail` (a `startSmtp()` sink) if given, else to a closed loopback port
 *  where nothing is ever delivered. `providers` are `[[provider]]` tables
 *  ({id, kind, name, issuer, client_id, client_secret}); with them, or with
 *  `port`, natter listens on that port (default: a free one) and its
 *  `public_url` is that address. With `trustLoopback`, natter believes
 *  `X-Forwarded-For` from loopback, so `seed` posts as another reader than
 *  the browser (natter knows an author by their address too). `prepare(cli)`,
 *  if given, runs first: `cli(...args)` runs a natter command on the same
 *  configuration and database, and resolves to its {code, out} (standard
 *  output and error). `more` lines end the configuration file; with
 *  `adminPassword`, natter's first admin (`admin`) has it. `restart()` stops
 *  natter and starts it again on the same port and database. */
export async function startNatter({
  sites = [], rateLimit = false, smtp = false, mail, trustLoopback = false, prepare, providers = [], port,
  more: lines = [], adminPassword,
} = {}) {
  if (!existsSync(bin)) throw new Error(`natter binary not found at ${bin}: build it with cargo build`);
  const dir = mkdtempSync(join(tmpdir(), 'natter-browser-'));
  const config = trustLoopback ? ['trusted_proxies = ["127.0.0.1/32"]', ''] : [];
  if (providers.length && !port) port = await freePort();
  if (port) config.unshift(`public_url = "http://127.0.0.1:${port}"`, '');
  for (const p of providers) {
    config.push('[[provider]]');
    for (const k in p) config.push(`${k} = ${JSON.stringify(p[k])}`);
    config.push('');
  }
  const more = { signIn: 'sign_in', guests: 'guests', ownEdits: 'own_edits', teamBadge: 'team_badge', feed: 'feed', feedEvery: 'feed_every' };
  for (const s of sites) {
    config.push('[[site]]', `id = "${s.id}"`, `name = "${s.name || 'Test blog'}"`,
      `origins = ${JSON.stringify(s.origins)}`, `moderation = "${s.moderation || 'none'}"`,
      `edit_window = "${s.editWindow || '15m'}"`);
    for (const k in more) if (s[k] !== undefined) config.push(`${more[k]} = ${JSON.stringify(s[k])}`);
    config.push('');
  }
  config.push('[rate_limit]', `enabled = ${rateLimit}`, '', '[spam]', 'min_seconds = 0', '');
  if (smtp || mail) {
    config.push('[smtp]', 'host = "127.0.0.1"', `port = ${mail ? mail.port : 9}`, 'tls = "none"',
      'from = "Comments <comments@example.org>"', '');
  }
  config.push(...lines, '');
  const file = join(dir, 'natter.toml');
  writeFileSync(file, config.join('\n'));
  const common = ['--config', file, '--database', join(dir, 'natter.db')];
  if (prepare) {
    await prepare((...args) => new Promise((ok) => {
      const cmd = spawn(bin, [...args, ...common]);
      let out = '';
      cmd.stdout.on('data', (d) => { out += d; });
      cmd.stderr.on('data', (d) => { out += d; });
      cmd.on('close', (code, signal) => ok({ code: code ?? signal, out }));
    }));
  }
  const env = adminPassword ? { ...process.env, NATTER_ADMIN_PASSWORD: adminPassword } : process.env;
  let child, log = '';
  // Should the test process end without stopping it (a crash), natter goes too.
  const orphan = () => child.kill();
  process.on('exit', orphan);
  const run = (listen) => new Promise((ok, fail) => {
    child = spawn(bin, ['serve', '--listen', listen, ...common], { env });
    const timer = setTimeout(() => fail(new Error('natter did not start in 15 s:\n' + log)), 15000);
    child.stderr.on('data', (d) => { log += d; });
    child.stdout.on('data', (d) => {
      log += d;
      const m = /natter listening on (http:\/\/\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        ok(m[1].replace(/\/$/, ''));
      }
    });
    child.on('exit', (code) => fail(new Error(`natter exited with ${code}:\n${log}`)));
  });
  const origin = await run(`127.0.0.1:${port || 0}`);
  const end = async () => {
    child.kill('SIGTERM');
    // (A natter that died of a signal has a signalCode but no exitCode.)
    await new Promise((r) => (child.exitCode != null || child.signalCode != null ? r() : child.on('exit', r)));
  };
  return {
    origin,
    log: () => log,
    async restart() {
      await end();
      log = '';
      await run(new URL(origin).host);
    },
    async stop() {
      process.off('exit', orphan);
      await end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium; `args` are further switches (such as
 *  --block-new-web-contents, Chromium's own popup blocker for every page). */
export async function launch(args = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...args],
  });
}

/** Starts a child process and resolves with it and its first line of
 *  standard output; the rest goes to `onLine`, and standard error to its
 *  `log()`. It is killed with the test process, should that end first. */
function startChild(what, cmd, args, env, onLine = () => {}) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const orphan = () => child.kill();
  process.on('exit', orphan);
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${what} did not start in 15 s:\n${log}`)), 15000);
    let buf = '', first = null;
    child.stdout.on('data', (d) => {
      buf += d;
      for (let i; (i = buf.indexOf('\n')) >= 0;) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (first == null) {
          first = line;
          clearTimeout(timer);
          ok({
            first,
            log: () => log,
            async stop() {
              process.off('exit', orphan);
              child.kill('SIGTERM');
              await new Promise((r) => (child.exitCode != null || child.signalCode != null ? r() : child.on('exit', r)));
            },
          });
        } else {
          onLine(line);
        }
      }
    });
    child.on('exit', (code) => fail(new Error(`${what} exited with ${code}:\n${log}`)));
  });
}

/** The real SMTP server of the tests (aiosmtpd) on a free loopback port;
 *  `mails` holds each message it accepted ({to, subject, text, html, …}),
 *  `next(test)` resolves with the first (now or to come) that passes. */
export async function startSmtp() {
  const mails = [];
  const waiters = new Set();
  const script = join(top, 'tests/support/smtp_sink.py');
  const sink = await startChild('the SMTP server (python3 with aiosmtpd)', 'python3', [script, '0'], {}, (line) => {
    const mail = JSON.parse(line);
    mails.push(mail);
    for (const w of waiters) w(mail);
  });
  const port = +/^READY (\d+)/.exec(sink.first)[1];
  return {
    port,
    mails,
    stop: sink.stop,
    /** The first message for which `test(mail)` is true, within `ms`. */
    next(test, ms = 20000) {
      const found = mails.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((ok, fail) => {
        const timer = setTimeout(() => {
          waiters.delete(w);
          fail(new Error(`no such email came in ${ms} ms; the SMTP server has: ${JSON.stringify(mails.map((m) => [m.to, m.subject]))}`));
        }, ms);
        const w = (mail) => {
          if (!test(mail)) return;
          clearTimeout(timer);
          waiters.delete(w);
          ok(mail);
        };
        waiters.add(w);
      });
    },
  };
}

/** The real OpenID provider of the tests (npm oidc-provider) on a free
 *  loopback port, with `clients` and `accounts` as
 *  tests/support/oidc_provider.mjs takes them; resolves with its `issuer`. */
export async function startProvider(settings) {
  const script = join(top, 'tests/support/oidc_provider.mjs');
  const p = await startChild('the OpenID provider', process.execPath, [script, JSON.stringify(settings)], {});
  return { issuer: JSON.parse(p.first).issuer, log: p.log, stop: p.stop };
}

/** Calls natter's API from Node (no Origin header, as a server-side client),
 *  as the client at `from` where natter trusts loopback. */
export async function api(natter, method, path, body, from) {
  const headers = body ? { 'Content-Type': 'application/json' } : {};
  if (from) headers['X-Forwarded-For'] = from;
  const r = await fetch(natter + path, {
    method,
    headers,
    body: body && JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : null };
}

/** Posts a comment through the API, as a reader other than the browser,
 *  and returns the answer's body. */
export async function seed(natter, pageUrl, fields) {
  const r = await api(natter, 'POST', '/api/comments?url=' + encodeURIComponent(pageUrl), fields, '192.0.2.1');
  if (r.status !== 201 && r.status !== 202) throw new Error(`seeding failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Types `text` into `field` as a person does, with a key press for each
 *  character, after selecting what it holds and deleting it with keys too.
 *  (Playwright's fill sets the value without a key press, so it cannot see a
 *  key handler that swallows keys.) */
export async function typeIn(field, text) {
  await field.press('Control+A');
  await field.press('Backspace');
  if (text) await field.pressSequentially(text);
}

/** Pastes `text` into `field` with Control+V, as a person brings in a text
 *  too long to type: the text goes on the clipboard first. */
export async function pasteInto(field, text) {
  const page = field.page();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await field.press('Control+A');
  await field.press('Backspace');
  await field.press('Control+V');
}

/** Opens `url` and waits until the widget in `host` has rendered its thread. */
export async function openThread(browser, url, host = '#natter', pageOpts = {}) {
  const page = await browser.newPage(pageOpts);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.errors = errors;
  await page.goto(url);
  await page.locator(host + ' h2').waitFor({ timeout: 10000 }).catch((e) => {
    throw new Error(`the widget did not render: ${e.message}\npage errors: ${errors.join('\n')}`);
  });
  return page;
}

/** axe-core's source, to inject into a page. */
export function axeSource() {
  const require = createRequire(import.meta.url);
  return require('fs').readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
}

/** Runs axe on the page for WCAG 2.x A/AA (up to 2.2) and returns violations. */
export async function axe(page) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: axeSource() });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ') + ' :: ' + n.failureSummary) }));
  });
}

/** The test provider's readers, each with an email the provider has
 *  verified; a test that renames one or revokes its tokens uses its own. */
export const accounts = ['Ann', 'Bob', 'Cy', 'Dee'].map((name) => {
  const sub = name.toLowerCase();
  return { sub, name, email: `${sub}@example.org`, email_verified: true };
});

/** The OpenID provider (as "Test ID", id `testid`) and natter offering it on
 *  `sites` (each given `signIn: ['testid']` unless it names its own); the
 *  provider knows natter's redirect URL. `more` goes to `startNatter`.
 *  Resolves with {provider, natter, stop}. */
export async function startSignIn(sites, more = {}) {
  const port = await freePort();
  const provider = await startProvider({
    clients: [{ client_id: 'natter', client_secret: 's3cret', redirect_uris: [`http://127.0.0.1:${port}/auth/callback/testid`] }],
    accounts,
  });
  const natter = await startNatter({
    ...more,
    port,
    providers: [{ id: 'testid', kind: 'oidc', name: 'Test ID', issuer: provider.issuer, client_id: 'natter', client_secret: 's3cret' }],
    sites: sites.map((s) => ({ signIn: ['testid'], ...s })),
  }).catch(async (e) => {
    await provider.stop();
    throw e;
  });
  return {
    provider,
    natter,
    async stop() {
      await natter.stop();
      await provider.stop();
    },
  };
}

/** Signs in as `username` on the test provider's login page in `popup`, by
 *  typing, and waits until the popup has closed itself. */
export async function providerLogin(popup, username = 'ann') {
  await popup.getByLabel('Username').pressSequentially(username);
  const closed = popup.waitForEvent('close', { timeout: 15000 });
  await popup.getByRole('button', { name: 'Sign in' }).click();
  await closed;
}
