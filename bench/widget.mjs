// Widget benchmark: (a) the gzip size of what a reader downloads for an
// English thread before it is painted (every widget file Chromium asked for
// by then, avatars and thread data aside), of what follows the paint, and of
// what the reader's first action adds; (b) the time from
// embed.js arriving to a 200-comment thread painted, in headless Chromium:
// cold (new context, empty cache) and warm (reload).
//
//   cargo build --release && NATTER_BIN=target/release/natter node bench/widget.mjs
//
// Rate limits are off for the seeding; everything stays on loopback.

import { gzipSync } from 'node:zlib';
import { startPages, startNatter, launch, seed, snippet } from '../tests/browser/harness.mjs';

const RUNS = Number(process.env.RUNS || 9);
// Sizes are of what natter serves (the English words put into embed.js,
// comment lines left out), each gzip -9 on its own.
const gz = async (f) => gzipSync(Buffer.from(await (await fetch(natter.origin + '/' + f)).arrayBuffer()), { level: 9 }).length;

// Paint time for a 200-comment thread: 40 top-level comments, each with
// four replies (two nested one level, two two levels), all on the first page.
const pages = await startPages({ '/bench': (n) => snippet(n) });
const natter = await startNatter({ sites: [{ id: 'bench', origins: [pages.origin] }] });
pages.natter = natter.origin;
const url = pages.origin + '/bench';
const words = 'Co-production means that the people who use a service help to design it, run it and judge it.';
let n = 0;
for (let t = 0; t < 40; t++) {
  const top = await seed(natter.origin, url, { text: `${++n}. ${words} **Top** comment ${t}.`, name: `Reader ${t % 17}` });
  const a = await seed(natter.origin, url, { text: `${++n}. A reply, with a [link](https://example.org/${n}).`, name: 'Ann', parent: top.comment.id });
  await seed(natter.origin, url, { text: `${++n}. A reply to the reply.\n\n> quoted`, parent: a.comment.id });
  const b = await seed(natter.origin, url, { text: `${++n}. ${words}`, name: 'Bo', parent: top.comment.id });
  await seed(natter.origin, url, { text: `${++n}. Agreed.`, name: 'Cy', parent: b.comment.id });
}

const browser = await launch();
const runs = { cold: [], warm: [] };
let loaded = [];
let later = [];
let acting = [];

/** Loads the page and answers the times after embed.js arrived (ms). */
async function measure(page) {
  await page.goto(url);
  await page.waitForFunction(() => window.__painted, null, { timeout: 10000 });
  const r = await page.evaluate(() => {
    const all = performance.getEntriesByType('resource');
    const script = all.find((e) => e.name.endsWith('/embed.js'));
    const end = (re) => Math.max(...all.filter((e) => re.test(e.name)).map((e) => e.responseEnd)) - script.responseEnd;
    return {
      shown: document.querySelector('#natter').shadowRoot.querySelectorAll('article').length,
      ran: window.__ran - script.responseEnd,
      data: end(/\/api\/(config|comments)\?/),
      rendered: window.__rendered - script.responseEnd,
      painted: window.__painted - script.responseEnd,
    };
  });
  if (r.shown !== 200) throw new Error(`expected 200 comments painted, saw ${r.shown}`);
  return r;
}

for (let i = 0; i < RUNS; i++) {
  // A new context has an empty cache: the first load is cold, a reload warm.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    // embed.js reads window.natter first thing: that is when it started to run.
    Object.defineProperty(window, 'natter', {
      configurable: true,
      get: () => { window.__ran ||= performance.now(); },
      set: (value) => Object.defineProperty(window, 'natter', { value, writable: true, configurable: true }),
    });
    document.addEventListener('natter:rendered', () => {
      window.__rendered = performance.now();
      // The frame after the render is the one that paints it.
      requestAnimationFrame(() => setTimeout(() => { window.__painted = performance.now(); }, 0));
    }, true);
  });
  runs.cold.push(await measure(page));
  // What the first paint needed: asked for before it; js/live.js comes after.
  loaded = await widgetFiles(page, true);
  later = (await widgetFiles(page)).filter((f) => !loaded.includes(f));
  runs.warm.push(await measure(page));
  if (i === 0) {
    // The reader's first action (pointing at Reply) fetches the writing code.
    await page.locator('#natter').getByRole('button', { name: 'Reply' }).first().hover();
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/js/')));
    acting = (await widgetFiles(page)).filter((f) => !loaded.includes(f) && !later.includes(f));
  }
  await context.close();
}

/** The widget files (neither API calls nor avatars) the page has fetched;
 *  with `first`, only those asked for before the thread was painted. */
function widgetFiles(page, first = false) {
  return page.evaluate(([origin, first]) => performance.getEntriesByType('resource')
    .filter((e) => e.name.startsWith(origin + '/') && !e.name.includes('/api/') && (!first || e.startTime < window.__painted))
    .map((e) => e.name.slice(origin.length + 1)), [natter.origin, first]);
}

// Size: exactly the widget files Chromium fetched, each gzip -9 on its own.
const list = async (files) => {
  let total = 0;
  for (const f of files) {
    const n = await gz(f);
    total += n;
    console.log(`  ${f.padEnd(14)} ${String(n).padStart(6)}`);
  }
  return total;
};
console.log('gzip -9 sizes (bytes) of the widget files an English reader downloads before the thread is painted, as served:');
console.log(`  total          ${String(await list(loaded)).padStart(6)}   (target: 10240)`);
console.log('after the first paint (js/live.js, unless data-live="false"):');
console.log(`  total          ${String(await list(later)).padStart(6)}`);
console.log('and what the first action (pointing at Reply) adds:');
console.log(`  total          ${String(await list(acting)).padStart(6)}`);

const median = (list, k) => list.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(list.length / 2)].toFixed(1);
console.log(`200-comment thread, ms after embed.js arrived (median of ${RUNS} runs; min-max of painted):`);
for (const kind of ['cold', 'warm']) {
  const p = runs[kind].map((r) => r.painted);
  console.log(`  ${kind}: painted ${median(runs[kind], 'painted')} (${Math.min(...p).toFixed(1)}-${Math.max(...p).toFixed(1)}); ` +
    `script ran ${median(runs[kind], 'ran')}, data loaded ${median(runs[kind], 'data')}, rendered ${median(runs[kind], 'rendered')}`);
}
await browser.close();
await natter.stop();
await pages.close();
