// Adopting the fragment: a page whose natter container already holds the
// thread's HTML (put there by the site's server-side include or static
// build) shows it at once, before natter's JSON answers, never says
// "Loading", and does not move when the widget paints the thread again.
// Then the widget works as usual, by mouse and by keyboard.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, startNatter, launch, seed, typeIn } from './harness.mjs';

let pages, natter, browser;
const url = (path) => pages.origin + path;
/** The fragment of the thread of `path` (GET /api/thread.html), as a
 *  site's server-side include puts it into its page. */
async function fragment(path) {
  const r = await fetch(`${natter.origin}/api/thread.html?url=${encodeURIComponent(url(path))}`);
  assert.equal(r.status, 200);
  return r.text();
}

const included = {};

before(async () => {
  pages = await startPages({
    '/adopt': (n) => `<h1>A post</h1><div id="natter">${included['/adopt']}</div>
      <p id="below">Below the comments</p><script src="${n}/embed.js" async></script>`,
    '/keys': (n) => `<div id="natter">${included['/keys']}</div><script src="${n}/embed.js" async></script>`,
  });
  natter = await startNatter({ sites: [{ id: 'test', origins: [pages.origin] }], trustLoopback: true });
  pages.natter = natter.origin;
  for (const path of ['/adopt', '/keys']) {
    await seed(natter.origin, url(path), { text: 'Included by the **site**', name: 'Ann' });
    await seed(natter.origin, url(path), { text: 'A second thought', name: 'Bo' });
    included[path] = await fragment(path);
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await pages?.close();
});

/** A page whose answers from natter's JSON API wait until `open()`, and
 *  which notes whether the widget ever said "Loading" (in any shadow root). */
async function heldBack() {
  const page = await browser.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  await page.addInitScript(() => {
    window.sawLoading = false;
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      const root = attach.call(this, init);
      const look = () => { if (/Loading/.test(root.textContent)) window.sawLoading = true; };
      new MutationObserver(look).observe(root, { childList: true, subtree: true, characterData: true });
      return root;
    };
  });
  let open;
  const gate = new Promise((r) => { open = r; });
  const asked = [];
  await page.route(/\/api\/(comments|config)\?/, async (route) => {
    asked.push(route.request().url());
    await gate;
    await route.continue();
  });
  return { page, open, asked };
}

const top = (loc) => loc.evaluate((e) => e.getBoundingClientRect().top);

test('shows the included thread before the JSON comes, never "Loading", and nothing moves when it comes', async () => {
  const { page, open, asked } = await heldBack();
  await page.goto(url('/adopt'));
  const w = page.locator('#natter');
  // Adopted into the shadow root, styled, while natter has not answered.
  const first = w.locator('article', { hasText: 'Included by the site' });
  await first.waitFor();
  assert.equal(await page.evaluate(() => !!document.querySelector('#natter').shadowRoot.querySelector('.n-list article')), true);
  assert.equal(await page.evaluate(() => document.querySelector('#natter > [data-natter-html]')), null, 'the fragment left the light DOM');
  assert.equal(await w.locator('h2').innerText(), '2 comments');
  assert.equal(await first.locator('strong').innerText(), 'site');
  assert.equal(await w.getByRole('button', { name: 'Reply' }).count(), 0, 'no answer yet');
  assert.ok(asked.some((u) => u.includes('/api/comments?')), 'the thread was asked for');
  const below = page.locator('#below');
  const [belowAt, firstAt] = [await top(below), await top(first)];
  open();
  await w.getByRole('button', { name: 'Reply' }).first().waitFor();
  assert.equal(await top(below), belowAt, 'the element below the widget did not move');
  assert.equal(await top(first), firstAt, 'the first comment did not move');
  assert.equal(await page.evaluate(() => window.sawLoading), false, 'never "Loading"');
  assert.equal(await w.locator('article').count(), 2);
  // It works as usual: a reply.
  await w.getByRole('button', { name: 'Reply' }).first().click();
  const reply = w.locator('form[data-kind=reply]');
  await typeIn(reply.getByLabel('Comment', { exact: true }), 'Adopted and answered');
  await reply.getByRole('button', { name: 'Post comment' }).click();
  await w.locator('.n-sub article', { hasText: 'Adopted and answered' }).waitFor();
  assert.equal(await w.locator('h2').innerText(), '3 comments');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('by keyboard alone: an adopted thread opens its form and posts', async () => {
  const { page, open } = await heldBack();
  await page.goto(url('/keys'));
  const w = page.locator('#natter');
  await w.locator('article', { hasText: 'A second thought' }).waitFor();
  open();
  await w.getByRole('button', { name: 'Reply' }).first().waitFor();
  const write = w.getByRole('button', { name: 'Leave a comment' });
  const focused = () => page.evaluate(() => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    return a.textContent.trim() || a.getAttribute('aria-label') || a.name;
  });
  for (let i = 0; i < 10 && (await focused()) != 'Leave a comment'; i++) await page.keyboard.press('Tab');
  assert.equal(await write.evaluate((b) => b.getRootNode().activeElement === b), true, 'Tab reached "Leave a comment"');
  await page.keyboard.press('Enter');
  const form = w.locator('form[data-kind=new]');
  await form.waitFor();
  assert.equal(await form.getByLabel('Comment', { exact: true }).evaluate((e) => e.getRootNode().activeElement === e), true, 'the text has the focus');
  await page.keyboard.type('Typed on an adopted thread');
  for (let i = 0; i < 12 && (await focused()) != 'Post comment'; i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  const mine = w.locator('article', { hasText: 'Typed on an adopted thread' });
  await mine.waitFor();
  assert.equal(await mine.evaluate((a) => a.getRootNode().activeElement === a), true, 'the new comment has the focus');
  assert.deepEqual(page.errors, []);
  await page.close();
});
