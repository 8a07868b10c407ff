// Real parts for the admin page's browser tests: a page server on its own
// origin (localhost), a natter server (127.0.0.1) with an admin password,
// headless Chromium, axe-core, and a watch for CSP violations.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const top = resolve(import.meta.dirname, '../..');
const bin = process.env.NATTER_BIN || join(top, 'target/debug/natter');

export const PASSWORD = 'correct horse battery staple';

/** A server of host pages that embed the widget from `natter` (set later). */
export async function pageServer() {
  const state = { natter: '' };
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/favicon.ico') return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Page ${path}</title></head>`
      + `<body><main><h1>Page ${path}</h1><div id="natter"></div>`
      + `<script src="${state.natter}/embed.js" async></script></main></body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  state.origin = `http://localhost:${server.address().port}`;
  state.close = () => new Promise((r) => server.close(r));
  return state;
}

/** Starts natter with one site ("test", holding every comment) on `origin`;
 *  `site` lines are added to that site's table, `more` lines to the end. */
export async function startNatter(origin, { site = [], more = [] } = {}) {
  if (!existsSync(bin)) throw new Error(`natter binary not found at ${bin}`);
  const dir = mkdtempSync(join(tmpdir(), 'natter-admin-'));
  const file = join(dir, 'natter.toml');
  writeFileSync(file, [
    'trusted_proxies = ["127.0.0.1/32"]',
    '',
    '[[site]]',
    'id = "test"',
    'name = "Test blog"',
    `origins = ["${origin}"]`,
    'moderation = "all"',
    ...site,
    '',
    '[rate_limit]',
    'enabled = true',
    '',
    '[spam]',
    'min_seconds = 0',
    '',
    ...more,
  ].join('\n'));
  const args = ['serve', '--config', file, '--listen', '127.0.0.1:0', '--database', join(dir, 'natter.db')];
  const child = spawn(bin, args, { env: { ...process.env, NATTER_ADMIN_PASSWORD: PASSWORD } });
  let log = '';
  const url = await new Promise((ok, fail) => {
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
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`natter exited with ${code}:\n${log}`)); });
  });
  return {
    origin: url,
    log: () => log,
    async stop() {
      if (child.exitCode == null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Calls natter from Node as client `ip` (sent as X-Forwarded-For). */
export async function call(natter, method, path, body, ip) {
  const headers = {};
  if (body) headers['Content-Type'] = 'application/json';
  if (ip) headers['X-Forwarded-For'] = ip;
  const r = await fetch(natter + path, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

/** Posts a comment on `pageUrl` as client `ip`. */
export const post = (natter, pageUrl, fields, ip) =>
  call(natter, 'POST', '/api/comments?url=' + encodeURIComponent(pageUrl), fields, ip);

/** A new page that records page errors and CSP violations (console and event). */
export async function watchedPage(context, problems) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  page.on('console', (m) => {
    if (/Content Security Policy|CSP violation/i.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${page.url()}: page error ${e.message}`));
  return page;
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe's WCAG 2.x A/AA violations (up to 2.2) on the page as it is now.
 *  axe is evaluated through the DevTools protocol, which the page's CSP
 *  does not govern, so injecting it causes no violation of its own. */
export async function axe(page) {
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  `
      + v.nodes.map((n) => n.target.join(' ') + ' :: ' + n.failureSummary).join('\n  '));
  });
}
