// The thread without JavaScript: natter's /thread page read and written in
// a Chromium whose JavaScript is off, by mouse and by keyboard alone; its
// errors beside their fields; axe in light and dark; and the ?embed=1 page
// in an iframe on the site's own origin (and refused on another).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, startNatter, launch, seed, typeIn } from './harness.mjs';
import { axe } from './admin-harness.mjs';

let pages, natter, browser;
const url = (path) => pages.origin + path;
const threadOf = (path, more = '') => `${natter.origin}/thread?url=${encodeURIComponent(url(path))}${more}`;

before(async () => {
  pages = await startPages({
    '/framed': (n) => `<h1>A post</h1>
      <iframe title="Comments" src="${n}/thread?url=${encodeURIComponent(url('/framed'))}&amp;embed=1" width="700" height="900"></iframe>`,
  });
  natter = await startNatter({ sites: [{ id: 'test', origins: [pages.origin] }] });
  pages.natter = natter.origin;
  const first = await seed(natter.origin, url('/read'), { text: 'The first *thought*', name: 'Ada' });
  await seed(natter.origin, url('/read'), { text: 'A reply to Ada', name: 'Ben', parent: first.comment.id });
  await seed(natter.origin, url('/read'), { text: 'Held words', homepage: 'https://bot.example' });
  await seed(natter.origin, url('/framed'), { text: 'Seen in the frame', name: 'Cy' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await pages?.close();
});

/** A page in a context whose JavaScript is off. */
async function noScript(options = {}) {
  const context = await browser.newContext({ javaScriptEnabled: false, ...options });
  return { context, page: await context.newPage() };
}

const textBox = (page) => page.getByRole('textbox', { name: 'Comment', exact: true });

test('reads the thread and posts a comment with JavaScript off', async () => {
  const { context, page } = await noScript();
  await page.goto(threadOf('/read'));
  await page.getByRole('heading', { name: '2 comments' }).waitFor();
  await page.getByText('A reply to Ada').waitFor();
  assert.equal(await page.getByText('Held words').count(), 0);
  assert.equal(await page.locator('.n-sub article', { hasText: 'A reply to Ada' }).count(), 1);
  await textBox(page).pressSequentially('Hello from a reader without scripts');
  await page.getByRole('textbox', { name: 'Name (optional)' }).pressSequentially('Dora');
  await page.getByRole('button', { name: 'Post comment' }).click();
  await page.waitForURL(/done=published#natter-comment-\d+$/);
  await page.getByRole('status').filter({ hasText: 'Your comment is published' }).waitFor();
  const mine = page.getByRole('article', { name: 'Dora' });
  await mine.getByText('Hello from a reader without scripts').waitFor();
  await page.getByRole('heading', { name: '3 comments' }).waitFor();
  await context.close();
});

test('a mistake comes back beside its field with the text kept, and is fixed', async () => {
  const { context, page } = await noScript();
  await page.goto(threadOf('/mistake'));
  await textBox(page).pressSequentially('Words worth keeping');
  const email = page.getByRole('textbox', { name: 'Email (optional)' });
  await email.pressSequentially('not-an-address');
  await page.getByRole('button', { name: 'Post comment' }).click();
  await page.getByRole('alert').waitFor();
  const again = page.getByRole('textbox', { name: 'Email (optional)' });
  assert.equal(await again.getAttribute('aria-invalid'), 'true');
  assert.match(await again.evaluate((e) => e.getAttribute('aria-describedby')), /n-email-e/);
  await page.locator('#n-email-e', { hasText: 'Please check the email address' }).waitFor();
  assert.equal(await textBox(page).inputValue(), 'Words worth keeping');
  assert.equal(await again.inputValue(), 'not-an-address');
  // The summary's link leads to the field.
  await page.getByRole('alert').getByRole('link', { name: /Please check the email address/ }).click();
  assert.match(page.url(), /#n-email$/);
  await typeIn(again, 'dora@example.org');
  await page.getByRole('button', { name: 'Post comment' }).click();
  await page.waitForURL(/done=published/);
  await page.getByText('Words worth keeping').waitFor();
  await context.close();
});

test('an empty comment is refused beside the text box, by keyboard alone', async () => {
  const { context, page } = await noScript();
  await page.goto(threadOf('/keys'));
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to the comment form' });
  assert.equal(await skip.evaluate((e) => e === document.activeElement), true);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await textBox(page).evaluate((e) => e === document.activeElement), true);
  // Leave the text empty, name oneself, and send with Enter.
  await page.keyboard.press('Tab');
  await page.keyboard.type('Keyboard Kim');
  await page.keyboard.press('Enter');
  await page.locator('#n-text-e', { hasText: 'Please write your comment first.' }).waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Name (optional)' }).inputValue(), 'Keyboard Kim');
  // Past the skip link and "Back to the page" to the summary's link, to
  // the text box from there, then write and send.
  for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
  const link = page.getByRole('alert').getByRole('link');
  assert.equal(await link.evaluate((e) => e === document.activeElement), true);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await textBox(page).evaluate((e) => e === document.activeElement), true);
  await page.keyboard.type('Written with keys only');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(/done=published/);
  await page.getByRole('article', { name: 'Keyboard Kim' }).getByText('Written with keys only').waitFor();
  await context.close();
});

for (const colorScheme of ['light', 'dark']) {
  test(`axe finds nothing on the page with an error shown (${colorScheme})`, async () => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto(threadOf('/read', '&reply=1'));
    await page.getByRole('button', { name: 'Post comment' }).click();
    await page.locator('#n-text-e').waitFor();
    assert.deepEqual(await axe(page), []);
    await context.close();
  });
}

test('the embed=1 page shows in an iframe on the site and nowhere else', async () => {
  const { context, page } = await noScript();
  await page.goto(url('/framed'));
  const frame = page.frameLocator('iframe');
  await frame.getByText('Seen in the frame').waitFor();
  assert.equal(await frame.getByRole('link', { name: 'Back to the page' }).count(), 0);
  await frame.getByRole('textbox', { name: 'Comment', exact: true }).pressSequentially('Written inside the frame');
  await frame.getByRole('button', { name: 'Post comment' }).click();
  await frame.getByRole('status').filter({ hasText: 'Your comment is published' }).waitFor();
  await frame.getByText('Written inside the frame').waitFor();
  assert.equal(page.url(), url('/framed'), 'the host page stays');
  // The same host page on another origin (127.0.0.1, not the site's
  // localhost) may not frame it.
  const other = url('/framed').replace('//localhost:', '//127.0.0.1:');
  await page.goto(other);
  await page.waitForTimeout(500);
  const inner = page.frames().find((f) => f !== page.mainFrame());
  assert.ok(inner, 'the frame element is there');
  assert.equal(await page.frameLocator('iframe').getByText('Seen in the frame').count(), 0);
  await context.close();
});
