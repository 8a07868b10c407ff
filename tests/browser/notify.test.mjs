// Email notifications in the widget: after a post that asks for emails, the
// reader is told, in the status region with the rest of the post's outcome,
// that a confirmation email is on its way; in the page's language too.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, startNatter, launch, snippet, openThread, typeIn } from './harness.mjs';

let pages, natter, browser;
const url = (path) => pages.origin + path;

before(async () => {
  pages = await startPages({
    '/ask': (n) => snippet(n),
    '/none': (n) => snippet(n),
    '/de': (n) => snippet(n, ' data-lang="de"'),
  });
  natter = await startNatter({ sites: [{ id: 'test', origins: [pages.origin] }], smtp: true });
  pages.natter = natter.origin;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await pages?.close();
});

/** Fills the form of the thread in `w` and posts it; resolves with the answer. */
async function post(page, w, { text, email, box, comment = 'Comment', send = 'Post comment', emailLabel = 'Email (optional)' }) {
  await typeIn(w.getByLabel(comment, { exact: true }), text);
  if (email) await typeIn(w.getByLabel(emailLabel), email);
  if (box) await w.getByLabel(box).check();
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/api/comments?'));
  await w.getByRole('button', { name: send }).click();
  const body = await (await answer).json();
  await w.locator('article', { hasText: text }).waitFor();
  return body;
}

test('asking for reply emails: the status region says a confirmation email was sent', async () => {
  const page = await openThread(browser, url('/ask'));
  const w = page.locator('#natter');
  const body = await post(page, w, { text: 'Please tell me about replies', email: 'reader@example.org', box: 'Email me when someone replies to me' });
  assert.equal(body.notify, 'confirm');
  // The same live region that says "published" (role=status, polite).
  const status = w.getByRole('status');
  assert.equal(await status.count(), 1);
  const said = await status.innerText();
  assert.match(said, /^Thank you! Your comment is published\./);
  assert.match(said, /We have sent you an email\. Click the link in it to start getting emails about new comments\.$/);
  assert.ok(await status.isVisible());
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('without the boxes ticked, nothing is said about emails', async () => {
  const page = await openThread(browser, url('/none'));
  const w = page.locator('#natter');
  const body = await post(page, w, { text: 'No emails for me', email: 'quiet@example.org' });
  assert.equal(body.notify, undefined);
  const said = await w.getByRole('status').innerText();
  assert.match(said, /Your comment is published/);
  assert.doesNotMatch(said, /email/i);
  await page.close();
});

test('a German reader is told in German', async () => {
  const page = await openThread(browser, url('/de'));
  const w = page.locator('#natter');
  const body = await post(page, w, {
    text: 'Bitte neue Kommentare melden', email: 'leser@example.org', box: 'Mir eine E-Mail zu neuen Kommentaren auf dieser Seite senden',
    comment: 'Kommentar', send: 'Kommentar senden', emailLabel: 'E-Mail (freiwillig)',
  });
  assert.equal(body.notify, 'confirm');
  assert.match(await w.getByRole('status').innerText(), /Wir haben Ihnen eine E-Mail geschickt\./);
  assert.deepEqual(page.errors, []);
  await page.close();
});
