// Signing in by keyboard alone: Tab to "Sign in with Test ID", Enter, the
// provider's login page typed into, back to the thread with the focus in the
// form; a comment, an edit past the guest window (Escape leaves the editor
// first), a new name (Escape leaves, then Enter saves), and signing out. At
// every stop the focused element is on screen with its focus ring, and Tab
// always moves on.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, launch, snippet, openThread, startSignIn } from './harness.mjs';

let pages, parts, browser;

before(async () => {
  pages = await startPages({ '/keys': (n) => snippet(n) });
  parts = await startSignIn([{ id: 'test', origins: [pages.origin], editWindow: '1s' }]);
  pages.natter = parts.natter.origin;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await parts?.stop();
  await pages?.close();
});

/** What has the focus, through shadow roots: its tag, name and words, and
 *  whether it is on screen with a focus ring. */
const focused = (page) => page.evaluate(() => {
  let e = document.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  const r = e.getBoundingClientRect();
  const css = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(),
    name: e.name || '',
    text: (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 60),
    label: e.labels && e.labels[0] ? e.labels[0].textContent : '',
    shown: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight,
    ring: e.matches(':focus-visible') && ((css.outlineStyle != 'none' && parseFloat(css.outlineWidth) > 0) || css.boxShadow != 'none'),
  };
});

/** Presses Tab (or `key`) until the focus is on a button reading `text` or
 *  a field labelled so, checking each stop; fails if it never comes. */
async function tabTo(page, text, key = 'Tab') {
  let before = null;
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press(key);
    const at = await focused(page);
    const what = `<${at.tag}> ${at.text || at.label}`;
    assert.ok(at.shown, `${what} has the focus but is not on screen`);
    assert.ok(at.ring, `${what} has the focus but shows no focus ring`);
    assert.notDeepEqual(at, before, `${key} did not move the focus from ${what}`);
    if (at.text === text || at.label.startsWith(text)) return at;
    before = at;
  }
  assert.fail(`${key} never reached "${text}"`);
}

test('signs in, comments, edits past the guest window, renames and signs out by keyboard alone', async () => {
  const page = await openThread(browser, pages.origin + '/keys');
  const w = page.locator('#natter');
  const status = w.getByRole('status');

  await tabTo(page, 'Sign in with Test ID');
  const popup = page.waitForEvent('popup');
  await page.keyboard.press('Enter');
  const pop = await popup;
  await pop.getByLabel('Username').waitFor();
  // The login page puts the focus in its field; the reader types and presses Enter.
  await pop.keyboard.type('ann');
  const closed = pop.waitForEvent('close');
  await pop.keyboard.press('Enter');
  await closed;
  await w.getByText('Signed in as Ann with Test ID', { exact: true }).waitFor();
  assert.match(await status.innerText(), /You are signed in as Ann with Test ID/);
  // Back in the thread, the focus waits in the comment field.
  assert.equal((await focused(page)).name, 'text');

  await page.keyboard.type('Typed with the keyboard, signed in');
  await tabTo(page, 'Post comment');
  await page.keyboard.press('Enter');
  const mine = w.locator('article', { hasText: 'Typed with the keyboard, signed in' });
  await mine.waitFor();
  assert.match(await mine.innerText(), /signed in with Test ID/);
  // The new comment has the focus.
  assert.equal((await focused(page)).tag, 'article');

  // Past the guest window, Edit is still there; Escape leaves the editor.
  await new Promise((r) => setTimeout(r, 1500));
  await tabTo(page, 'Edit');
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).name, 'text');
  await page.keyboard.press('Escape');
  assert.equal((await focused(page)).text, 'Edit');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Edited with the keyboard');
  await tabTo(page, 'Save');
  await page.keyboard.press('Enter');
  await w.locator('article', { hasText: 'Edited with the keyboard' }).waitFor();
  assert.match(await status.innerText(), /Your comment is updated/);

  // A new name: Escape leaves the box, back on its button; Enter saves.
  await tabTo(page, 'Change name', 'Shift+Tab');
  await page.keyboard.press('Enter');
  assert.match((await focused(page)).label, /Your display name/);
  await page.keyboard.press('Escape');
  assert.equal((await focused(page)).text, 'Change name');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Ann K.');
  await page.keyboard.press('Enter');
  await w.getByText('Signed in as Ann K. with Test ID', { exact: true }).waitFor();
  assert.match(await status.innerText(), /Your name is now Ann K\./);
  assert.equal((await focused(page)).text, 'Change name');

  await tabTo(page, 'Sign out', 'Shift+Tab');
  await page.keyboard.press('Enter');
  await w.getByRole('button', { name: 'Sign in with Test ID' }).waitFor();
  assert.match(await status.innerText(), /You are signed out\./);
  // The focus goes to the sign-in button, not lost on the page.
  assert.equal((await focused(page)).text, 'Sign in with Test ID');
  assert.deepEqual(page.errors, []);
  await page.close();
});
