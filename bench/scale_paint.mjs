// Paint of the first page of a large thread in headless Chromium, for
// bench/scale.sh: the thread (N comments, the shape bench/scale_data.py
// writes) is imported with `natter import json` before natter starts, then
// a host page with the README's snippet is loaded cold (a new browser
// context each time, so nothing is cached) RUNS times. Prints the median
// time from embed.js's arrival to the frame after natter:rendered, and how
// many comments were painted.
//
//   NATTER_BIN=target/release/natter node bench/scale_paint.mjs N [RUNS]
//
// Everything stays on loopback; the import file lives in a temp directory
// removed at the end.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPages, startNatter, launch, snippet } from '../tests/browser/harness.mjs';

const size = Number(process.argv[2]);
const runs = Number(process.argv[3] || 5);
if (!Number.isInteger(size) || size < 1 || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: node bench/scale_paint.mjs COMMENTS [RUNS] (both whole numbers above 0)');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'natter-scale-paint-'));
const pages = await startPages({ '/bench': (n) => snippet(n) });
const file = join(dir, 'thread.json');
const made = execFileSync('python3', [join(import.meta.dirname, 'scale_data.py'), 'thread', file, String(size), pages.origin, '/bench'])
  .toString();
const natter = await startNatter({
  sites: [{ id: 'bench', origins: [pages.origin] }],
  prepare: async (cli) => {
    const r = await cli('import', 'json', file, '--site', 'bench');
    if (r.code !== 0 || !r.out.includes(`comments imported: ${size}`)) throw new Error(`import failed:\n${r.out}`);
  },
});
pages.natter = natter.origin;
const url = pages.origin + '/bench';

// What the widget's first read holds, counted without recursion.
const shownByApi = async () => {
  const answer = await (await fetch(`${natter.origin}/api/comments?url=${encodeURIComponent(url)}`)).json();
  const stack = [...answer.comments];
  let n = 0;
  while (stack.length) {
    n += 1;
    stack.push(...(stack.pop().replies || []));
  }
  return n;
};

const browser = await launch();
const painted = [];
let shown = 0;
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      document.addEventListener('natter:rendered', () => {
        // The frame after the render is the one that paints it.
        requestAnimationFrame(() => setTimeout(() => { window.__painted = performance.now(); }, 0));
      }, true);
    });
    await page.goto(url);
    await page.waitForFunction(() => window.__painted, null, { timeout: 60000 });
    const r = await page.evaluate(() => {
      const script = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/embed.js'));
      return {
        ms: window.__painted - script.responseEnd,
        shown: document.querySelector('#natter').shadowRoot.querySelectorAll('article').length,
      };
    });
    if (r.shown === 0) throw new Error('no comment was painted');
    painted.push(r.ms);
    shown = r.shown;
    await context.close();
  }
} finally {
  await browser.close();
}
const api = await shownByApi();
await natter.stop();
await pages.close();
rmSync(dir, { recursive: true, force: true });

const sorted = [...painted].sort((a, b) => a - b);
console.log(made.trim());
console.log(`PAINT_MS=${sorted[Math.floor(sorted.length / 2)].toFixed(1)}`);
console.log(`PAINT_ALL=${painted.map((t) => t.toFixed(0)).join(' ')}`);
console.log(`PAINT_SHOWN=${shown}`);
console.log(`PAINT_FIRST_PAGE=${api}`);
