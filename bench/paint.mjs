// Paint benchmark: natter's widget beside Isso's own client, each painting
// the same 200-comment thread (40 top-level comments with four replies
// each, the thread of bench/widget.mjs) from its own server, in one run of
// headless Chromium with alternating loads.
//
//   cargo build --release && node bench/paint.mjs
//
// Env: NATTER_BIN (default target/release/natter), RUNS (default 15),
// ISSO_VENV (default $CARGO_TARGET_DIR/isso-venv, else target/isso-venv:
// made with `pip install isso==0.14.0` when it has no isso yet, the way
// the tests make theirs, tests/support/isso_fill.py), CHROMIUM.
//
// What is measured, the same way for both: the time from the widget's
// script arriving (its responseEnd in the page's resource timing: embed.js
// from natter, js/embed.min.js from Isso) to the thread painted. "Painted"
// is: a MutationObserver, set up before any of the page's scripts run (and
// on every shadow root as it is attached, since natter's thread is in one),
// counts the comment elements as they are added (natter's `article.n-c`,
// Isso's `.isso-comment[data-hash]`, not its form's preview); once all
// that the load shows are there, the next requestAnimationFrame callback
// posts a task (setTimeout 0), which runs after that frame's style, layout
// and paint; its time is "painted". "After the data" is painted minus the
// end of the last API answer the page read (natter: /api/config and
// /api/comments; Isso: /config and /?uri=): the browser's share alone.
//
// Cold is a new browser context (empty cache, new connections), warm a
// reload of the same page. Each run loads every variant once cold and once
// warm, rotating which goes first. The ratio is the median of each run's
// natter/Isso pair. Isso is started with `isso run` (its own server), rate
// limits off for the seeding; everything stays on loopback.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const top = resolve(import.meta.dirname, '..');
process.env.NATTER_BIN ||= join(top, 'target/release/natter');
const { startPages, startNatter, launch, seed, snippet, freePort } = await import('../tests/browser/harness.mjs');

const RUNS = Number(process.env.RUNS || 15);
const venv = process.env.ISSO_VENV || join(process.env.CARGO_TARGET_DIR || join(top, 'target'), 'isso-venv');

// The thread, posted through `post(fields)` (which answers the new id).
const words = 'Co-production means that the people who use a service help to design it, run it and judge it.';
async function thread(post) {
  let n = 0;
  for (let t = 0; t < 40; t++) {
    const top = await post({ text: `${++n}. ${words} **Top** comment ${t}.`, name: `Reader ${t % 17}` });
    const a = await post({ text: `${++n}. A reply, with a [link](https://example.org/${n}).`, name: 'Ann', parent: top });
    await post({ text: `${++n}. A reply to the reply.\n\n> quoted`, parent: a });
    const b = await post({ text: `${++n}. ${words}`, name: 'Bo', parent: top });
    await post({ text: `${++n}. Agreed.`, name: 'Cy', parent: b });
  }
}

/** Isso from its venv (made first if need be), on a free loopback port,
 *  answering CORS for `site`. */
async function startIsso(site) {
  const made = spawnSync('python3', ['-c',
    'import sys; sys.path.insert(0, sys.argv[1]); import isso_fill; print(isso_fill.ensure_venv(sys.argv[2]))',
    join(top, 'tests/support'), venv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (made.status !== 0) throw new Error('could not make the Isso venv (python3 -m venv, pip install isso==0.14.0)');
  const bin = made.stdout.trim();
  const dir = mkdtempSync(join(tmpdir(), 'natter-paint-isso-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const conf = join(dir, 'isso.cfg');
  writeFileSync(conf, [
    '[general]', `dbpath = ${join(dir, 'comments.db')}`, `host = ${site}/`,
    '[server]', `listen = ${origin}/`,
    '[guard]', 'enabled = false',
    '[moderation]', 'enabled = false', ''].join('\n'));
  let log = '';
  const child = spawn(bin, ['-c', conf, 'run'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const orphan = () => child.kill();
  process.on('exit', orphan);
  for (let i = 0; ; i++) {
    if (child.exitCode != null) throw new Error('Isso stopped at start:\n' + log);
    if (i > 300) throw new Error('Isso did not answer in 30 s:\n' + log);
    if (await fetch(origin + '/config').then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    origin,
    async stop() {
      process.off('exit', orphan);
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode != null || child.signalCode != null ? r() : child.on('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The pages: natter's snippet with the default page size and with a page
// of 20 top-level comments (both on one thread), and Isso's snippet.
let isso;
const pages = await startPages({
  '/natter': (n) => snippet(n),
  '/natter-20': (n) => snippet(n, ` data-page-url="${pages.origin}/natter" data-page-size="20"`),
  '/isso': () => `<script data-isso="${isso.origin}/" src="${isso.origin}/js/embed.min.js"></script>\n<section id="isso-thread"></section>`,
});
const natter = await startNatter({ sites: [{ id: 'bench', origins: [pages.origin] }] });
pages.natter = natter.origin;
isso = await startIsso(pages.origin);

await thread(async (f) => (await seed(natter.origin, pages.origin + '/natter', f)).comment.id);
await thread(async (f) => {
  const r = await fetch(isso.origin + '/new?uri=/isso', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ title: 'Test page', author: f.name || null, text: f.text, parent: f.parent ?? null }),
  });
  if (r.status !== 201 && r.status !== 202) throw new Error(`seeding Isso failed: ${r.status} ${await r.text()}`);
  return (await r.json()).id;
});

// Each variant: its page, its comment elements, how many a load shows, the
// script whose arrival starts the clock, its API answers.
const variants = [
  { name: 'natter, first page (default size: 50 top-level, so all 200 here)', path: '/natter', sel: 'article.n-c', n: 200,
    script: /\/embed\.js$/, api: /\/api\/(config|comments)\?/ },
  { name: 'natter, data-page-size="20" (100 comments)', path: '/natter-20', sel: 'article.n-c', n: 100,
    script: /\/embed\.js$/, api: /\/api\/(config|comments)\?/ },
  { name: 'Isso 0.14, its own client (all 200)', path: '/isso', sel: '.isso-comment[data-hash]', n: 200,
    script: /\/js\/embed\.min\.js$/, api: /\/(config|\?uri=)/ },
];

/** Set up in the page before its scripts: counts `sel` elements as they
 *  come and marks `__painted` after the frame that shows the n-th. */
function watch({ sel, n }) {
  const seen = new Set();
  const look = (records) => {
    for (const r of records) {
      for (const e of r.addedNodes) {
        if (e.nodeType !== 1) continue;
        if (e.matches(sel)) seen.add(e);
        for (const d of e.querySelectorAll(sel)) seen.add(d);
      }
    }
    if (seen.size >= n && !window.__shown) {
      window.__shown = performance.now();
      requestAnimationFrame(() => setTimeout(() => { window.__painted = performance.now(); }, 0));
    }
  };
  const observe = (root) => new MutationObserver(look).observe(root, { childList: true, subtree: true });
  observe(document);
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    observe(root);
    return root;
  };
}

const browser = await launch();

/** One load (a `goto` or a reload) of `v`; its times after the script came (ms). */
async function measure(page, v, reload) {
  if (reload) await page.reload();
  else await page.goto(pages.origin + v.path);
  await page.waitForFunction(() => window.__painted, null, { timeout: 30000 });
  const r = await page.evaluate(({ script, api, sel }) => {
    const all = performance.getEntriesByType('resource');
    const s = all.find((e) => new RegExp(script).test(e.name.split('?')[0]));
    const data = Math.max(...all.filter((e) => new RegExp(api).test(e.name)).map((e) => e.responseEnd));
    const shadow = document.querySelector('#natter')?.shadowRoot;
    return { painted: window.__painted - s.responseEnd, browser: window.__painted - data, shown: (shadow || document).querySelectorAll(sel).length };
  }, { script: v.script.source, api: v.api.source, sel: v.sel });
  if (r.shown !== v.n) throw new Error(`${v.path}: expected ${v.n} comments shown, saw ${r.shown}`);
  return r;
}

const runs = variants.map(() => ({ cold: [], warm: [] }));
for (let i = 0; i < RUNS; i++) {
  for (let k = 0; k < variants.length; k++) {
    const j = (i + k) % variants.length;
    const v = variants[j];
    const context = await browser.newContext();
    await context.addInitScript(watch, { sel: v.sel, n: v.n });
    const page = await context.newPage();
    runs[j].cold.push(await measure(page, v, false));
    runs[j].warm.push(await measure(page, v, true));
    await context.close();
  }
}
await browser.close();
await natter.stop();
await isso.stop();
await pages.close();

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  const s = sorted(xs);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => x.toFixed(1);
const cell = (list, k) => {
  const xs = list.map((r) => r[k]);
  return `${ms(median(xs))} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))})`;
};

console.log(`Script arrived to thread painted, headless Chromium, ms: median (min–max) of ${RUNS} runs`);
console.log('');
console.log('| what | cold: painted | cold: after the data | warm: painted | warm: after the data |');
console.log('|---|---|---|---|---|');
variants.forEach((v, j) => {
  const r = runs[j];
  console.log(`| ${v.name} | ${cell(r.cold, 'painted')} | ${cell(r.cold, 'browser')} | ${cell(r.warm, 'painted')} | ${cell(r.warm, 'browser')} |`);
});
console.log('');
console.log('| natter / Isso, median of the pair ratios of each run | cold | warm |');
console.log('|---|---|---|');
const isso200 = variants.findIndex((v) => v.path === '/isso');
for (const j of [0, 1]) {
  const ratio = (kind, k) => median(runs[j][kind].map((r, i) => r[k] / runs[isso200][kind][i][k])).toFixed(2);
  console.log(`| ${variants[j].name}: painted | ${ratio('cold', 'painted')} | ${ratio('warm', 'painted')} |`);
  console.log(`| ${variants[j].name}: after the data | ${ratio('cold', 'browser')} | ${ratio('warm', 'browser')} |`);
}
