// A site that holds every comment for moderation, with rate limits on: the
// held state, and the rate-limit message with its wait.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, startNatter, launch, snippet, openThread, api, typeIn } from './harness.mjs';

let pages, natter, browser;
const url = (path) => pages.origin + path;

before(async () => {
  pages = await startPages({ '/held': (n) => snippet(n), '/fast': (n) => snippet(n) });
  natter = await startNatter({ sites: [{ id: 'strict', origins: [pages.origin], moderation: 'all' }], rateLimit: true });
  pages.natter = natter.origin;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await pages?.close();
});

test('a comment held for moderation says so clearly and is not counted', async () => {
  const page = await openThread(browser, url('/held'));
  const w = page.locator('#natter');
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Please approve me');
  await w.getByRole('button', { name: 'Post comment' }).click();
  const mine = w.locator('article', { hasText: 'Please approve me' });
  await mine.waitFor();
  assert.match(await mine.innerText(), /Waiting for approval/);
  assert.match(await w.locator('[role=status]').innerText(), /waiting for a moderator/);
  assert.equal(await w.locator('h2').innerText(), '0 comments');
  // Nobody else sees it yet.
  const stored = await api(natter.origin, 'GET', '/api/comments?url=' + encodeURIComponent(url('/held')));
  assert.equal(stored.body.comments.length, 0);
  await page.close();
});

test('posting too fast tells how long to wait and keeps the text', async () => {
  const page = await openThread(browser, url('/fast'));
  const w = page.locator('#natter');
  const text = w.getByLabel('Comment', { exact: true });
  const alert = w.locator('form [role=alert]');
  // The first test used one of the three allowed in a burst.
  for (let i = 1; i <= 4; i++) {
    await typeIn(text, `Quick comment number ${i}`);
    await w.getByRole('button', { name: 'Post comment' }).click();
    await page.waitForFunction(() => {
      const root = document.getElementById('natter').shadowRoot;
      return !root.querySelector('form[aria-busy]') &&
        (root.querySelector('form [role=alert]').textContent || !root.querySelector('textarea').value);
    });
    if (await alert.innerText()) break;
  }
  assert.match(await alert.innerText(), /You are going too fast\. Please wait \d+ seconds?, then try again\./);
  assert.match(await text.inputValue(), /^Quick comment number \d$/);
  await page.close();
});
