// The first page's size: `data-page-size` (or mount's `pageSize`) is how
// many top-level comments a page shows; "Show more comments", reached and
// pressed with the keyboard, brings the next page; a value that is not a
// count of 1 or more leaves the server's default, and one over the
// server's cap asks for the cap.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, startNatter, launch, seed, snippet, openThread } from './harness.mjs';

let pages, natter, browser;
const url = (path) => pages.origin + path;
const thread = () => ` data-page-url="${url('/sized')}"`;

before(async () => {
  pages = await startPages({
    '/sized': (n) => snippet(n, ' data-page-size="3"'),
    '/words': (n) => snippet(n, thread() + ' data-page-size="a few"'),
    '/zero': (n) => snippet(n, thread() + ' data-page-size="0"'),
    '/negative': (n) => snippet(n, thread() + ' data-page-size="-2"'),
    '/huge': (n) => snippet(n, thread() + ' data-page-size="100000"'),
    // A site that mounts the thread itself, with the option.
    '/mounted': (n) => `<div id="here" data-page-url="${url('/sized')}"></div>
      <script src="${n}/embed.js"></script>
      <script>natter.mount(document.getElementById('here'), { pageSize: 2 });</script>`,
  });
  natter = await startNatter({ sites: [{ id: 'test', origins: [pages.origin] }] });
  pages.natter = natter.origin;
  // Eight top-level comments, the first with a reply.
  for (let i = 1; i <= 8; i++) {
    const r = await seed(natter.origin, url('/sized'), { text: `Top comment ${i}`, name: `T${i}` });
    if (i === 1) await seed(natter.origin, url('/sized'), { text: 'A reply to the first', name: 'R', parent: r.comment.id });
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await pages?.close();
});

/** The texts of the top-level comments shown in `w`, in order. */
const tops = (w) => w.locator('section > ol.n-list > li > article .n-body').allInnerTexts();

/** Presses Tab until `target` (inside the shadow root) has the focus, at
 *  most 80 times. */
async function tabTo(page, target) {
  const want = await target.elementHandle();
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const there = await page.evaluate((w) => {
      let a = document.activeElement;
      while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      return a === w;
    }, want);
    if (there) return;
  }
  assert.fail('Tab never reached ' + (await target.evaluate((e) => e.outerHTML.slice(0, 80))));
}

test('data-page-size="3" shows three top-level comments, and the keyboard brings the next three', async () => {
  const page = await openThread(browser, url('/sized'));
  const w = page.locator('#natter');
  assert.equal(await w.locator('h2').innerText(), '9 comments');
  assert.deepEqual(await tops(w), ['Top comment 1', 'Top comment 2', 'Top comment 3']);
  // A reply comes with its top-level comment.
  await w.locator('article', { hasText: 'A reply to the first' }).waitFor();
  const more = w.getByRole('button', { name: 'Show more comments' });
  await tabTo(page, more);
  await page.keyboard.press('Enter');
  await w.locator('article', { hasText: 'Top comment 6' }).waitFor();
  assert.deepEqual(await tops(w), [1, 2, 3, 4, 5, 6].map((i) => `Top comment ${i}`));
  // The focus is on the first comment that came.
  assert.match(await page.evaluate(() => document.activeElement.shadowRoot.activeElement.innerText), /Top comment 4/);
  await tabTo(page, more);
  await page.keyboard.press('Enter');
  await w.locator('article', { hasText: 'Top comment 8' }).waitFor();
  assert.equal((await tops(w)).length, 8);
  assert.equal(await more.isVisible(), false, 'no "show more" after the last page');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a page size that is not a count of 1 or more still shows the thread, with the server default or its cap', async () => {
  for (const [path, limit] of [['/words', null], ['/zero', null], ['/negative', null], ['/huge', '200']]) {
    const page = await browser.newPage();
    const asked = page.waitForRequest((r) => r.url().startsWith(natter.origin + '/api/comments?'));
    await page.goto(url(path));
    const w = page.locator('#natter');
    await w.locator('h2', { hasText: '9 comments' }).waitFor();
    assert.equal(new URL((await asked).url()).searchParams.get('limit'), limit, `${path} asked for limit ${limit}`);
    // The server's default page (50) holds all eight.
    assert.equal((await tops(w)).length, 8, path);
    assert.equal(await w.getByRole('button', { name: 'Show more comments' }).isVisible(), false, path);
    assert.equal(await w.locator('.n-fail').count(), 0, `${path} shows no error`);
    await page.close();
  }
});

test("mount's pageSize option sets the page size too", async () => {
  const page = await openThread(browser, url('/mounted'), '#here');
  const w = page.locator('#here');
  assert.deepEqual(await tops(w), ['Top comment 1', 'Top comment 2']);
  assert.ok(await w.getByRole('button', { name: 'Show more comments' }).isVisible());
  await page.close();
});
