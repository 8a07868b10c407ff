// A crawler's view: a host page whose HTML includes natter's fragment
// (/api/thread.html, fetched here as a server-side include would), read
// with JavaScript off; and the same HTML in a browser that runs scripts,
// where nothing hostile in the comments runs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, startNatter, launch, seed } from './harness.mjs';

let pages, natter, browser, included;
const url = (path) => pages.origin + path;

const published = ['Plain published words', 'A reply, also published', 'Hostile but harmless'];

before(async () => {
  pages = await startPages({
    // The blog's own article with the fragment put in by its server; no embed.js.
    '/article': () => `<article><h1>An article</h1><p>The article's text.</p></article>
      <div id="natter">${included}</div>`,
  });
  natter = await startNatter({ sites: [{ id: 'test', origins: [pages.origin] }] });
  pages.natter = natter.origin;
  const first = await seed(natter.origin, url('/article'), { text: published[0], name: 'Ada' });
  await seed(natter.origin, url('/article'), { text: published[1], name: 'Ben', parent: first.comment.id });
  await seed(natter.origin, url('/article'), {
    text: `${published[2]} <script>window.pwned = 1</script> <img src=x onerror="window.pwned = 2"> [link](javascript:window.pwned=3)`,
    name: '"><img src=x onerror="window.pwned=4">',
    website: 'https://evil.example/" onmouseover="window.pwned=5',
  });
  await seed(natter.origin, url('/article'), { text: 'Held: never in the page', homepage: 'https://bot.example' });
  const res = await fetch(`${natter.origin}/api/thread.html?url=${encodeURIComponent(url('/article'))}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  included = await res.text();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await pages?.close();
});

test('with JavaScript off, the page holds every published comment and no held one', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url('/article'));
  const text = await page.locator('body').innerText();
  for (const words of published) assert.ok(text.includes(words), `${words} in:\n${text}`);
  assert.ok(!text.includes('Held: never in the page'), text);
  assert.equal(await page.locator('[itemtype="https://schema.org/Comment"]').count(), 3);
  assert.equal(await page.locator('[itemprop="text"]').count(), 3);
  assert.equal(await page.getByRole('heading', { name: '3 comments' }).count(), 1);
  await context.close();
});

test('with JavaScript on and no embed.js, nothing in the comments runs', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url('/article'));
  await page.getByText('Hostile but harmless').waitFor();
  await page.locator('a.n-author').hover();
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.locator('#natter script, #natter [onerror], #natter [onmouseover], #natter img[src="x"]').count(), 0);
  assert.equal(await page.locator('#natter a[href^="javascript"]').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
