// A reply chain 100,000 deep, brought in with `natter import json` (natter's
// own export format) before the server starts: the widget shows all of it,
// nested to the site's depth and flat below, without overflowing its stack,
// and the page stays usable.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPages, startNatter, launch } from './harness.mjs';

// How deep the chain goes. NATTER_DEEP_CHAIN sets a smaller depth, to try the
// widget against a server that cannot yet read a chain this deep.
const DEPTH = Number(process.env.NATTER_DEEP_CHAIN || 100000);
const MAX_DEPTH = 5;

let pages, natter, browser, importLog;

/** natter's export format: one site, one thread, comment i replying to i - 1. */
function chain(origin) {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const comments = [];
  for (let i = 1; i <= DEPTH; i++) {
    comments.push({
      id: i, parent: i > 1 ? i - 1 : null, status: 'published',
      name: `Level ${i}`, email: null, website: null, ip_hash: null,
      text: `Reply number ${i}`, html: `<p>Reply number ${i}</p>`,
      created: new Date(start + i * 1000).toISOString().replace('.000Z', 'Z'), edited: null, likes: 0, dislikes: 0,
    });
  }
  return {
    natter_export: 1,
    exported: new Date().toISOString(),
    sites: [{
      id: 'test', name: 'Test blog', origins: [origin], settings: { max_depth: MAX_DEPTH },
      threads: [{ key: 'deep-chain', url: origin + '/deep', title: 'A very deep thread', locked: false, comments }],
    }],
  };
}

before(async () => {
  pages = await startPages({ '/deep': (n) => `<div id="natter" data-page-id="deep-chain"></div>
    <script src="${n}/embed.js" async></script>` });
  const dir = mkdtempSync(join(tmpdir(), 'natter-deep-'));
  const file = join(dir, 'chain.json');
  writeFileSync(file, JSON.stringify(chain(pages.origin)));
  natter = await startNatter({
    sites: [{ id: 'test', origins: [pages.origin] }],
    prepare: async (cli) => {
      const r = await cli('import', 'json', file, '--site', 'test');
      importLog = r.out;
      assert.equal(r.code, 0, `natter import json failed:\n${r.out.slice(-2000)}`);
    },
  });
  rmSync(dir, { recursive: true, force: true });
  pages.natter = natter.origin;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await pages?.close();
});

test(`a ${DEPTH.toLocaleString('en')}-deep reply chain is shown, nested ${MAX_DEPTH} deep and flat below, and the page stays usable`, async () => {
  assert.match(importLog, new RegExp(String(DEPTH)), 'the import reports every comment');
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('crash', () => errors.push(new Error('the page crashed')));
  await page.goto(pages.origin + '/deep');
  const w = page.locator('#natter');
  // A thread this long takes a while to arrive and be built: wait for it
  // (this is not a test of speed).
  await w.locator('h2, .n-fail').first().waitFor({ timeout: 600000 });
  if (await w.locator('.n-fail').count()) {
    assert.fail(`the widget could not load the thread: ${await w.locator('.n-fail').innerText()}\nnatter said:\n${natter.log().slice(-2000)}`);
  }
  assert.deepEqual(errors, [], 'no page error');
  assert.equal(await w.locator('h2').innerText(), `${DEPTH.toLocaleString('en')} comments`);
  assert.equal(await w.locator('article').count(), DEPTH);

  const first = w.locator('#natter-comment-1');
  assert.match(await first.innerText(), /Reply number 1\b/);
  const last = w.locator(`#natter-comment-${DEPTH}`);
  await last.scrollIntoViewIfNeeded();
  assert.match(await last.innerText(), new RegExp(`Reply number ${DEPTH}\\b`));
  // Past the site's depth a reply says whom it answers: its real parent.
  assert.match(await last.innerText(), new RegExp(`in reply to Level ${DEPTH - 1}\\b`));
  // Lists are nested MAX_DEPTH deep, no deeper: the last one is in as many.
  const lists = (e) => {
    let n = 0;
    for (let x = e; x; x = x.parentElement) n += x.tagName == 'OL';
    return n;
  };
  assert.equal(await last.evaluate(lists), MAX_DEPTH);
  assert.equal(await w.locator(`#natter-comment-${MAX_DEPTH}`).evaluate(lists), MAX_DEPTH);

  // Still usable: the deepest comment can be answered.
  await last.getByRole('button', { name: 'Reply' }).click();
  const form = w.getByRole('form', { name: `Reply to Level ${DEPTH}` });
  await form.waitFor({ timeout: 60000 });
  await form.getByLabel('Comment', { exact: true }).pressSequentially('Still here');
  assert.equal(await form.getByLabel('Comment', { exact: true }).inputValue(), 'Still here');
  assert.deepEqual(errors, [], 'no page error');
  await page.close();
});
