// Keyboard only: a reader posts, replies and edits with Tab, Shift+Tab,
// Enter, Space, Escape and typed keys, never the mouse. At every step the
// focused element must be on screen with its focus ring showing, Tab must move
// on (never trapped), and Escape must leave a form for the button that opened it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, startNatter, launch, seed, snippet, openThread, api } from './harness.mjs';

let pages, natter, browser;
const url = (path) => pages.origin + path;

before(async () => {
  pages = await startPages({ '/keys': (n) => snippet(n) });
  natter = await startNatter({ sites: [{ id: 'test', origins: [pages.origin] }] });
  pages.natter = natter.origin;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await pages?.close();
});

/** The element that has the focus, inside shadow roots too. */
const deepActive = () => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a;
};

/** The focused element, once checked: it is on screen and shows a focus
 *  indicator (an outline or a shadow) as :focus-visible. */
async function focusShown(page) {
  const el = await page.evaluateHandle(deepActive);
  const look = await el.evaluate((e) => {
    const r = e.getBoundingClientRect();
    const css = getComputedStyle(e);
    return {
      what: `<${e.tagName.toLowerCase()}> ${e.getAttribute('aria-label') || e.name || e.textContent.trim().slice(0, 40)}`,
      onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && css.visibility != 'hidden',
      visible: e.matches(':focus-visible'),
      ring: (css.outlineStyle != 'none' && parseFloat(css.outlineWidth) > 0) || css.boxShadow != 'none',
    };
  });
  assert.ok(look.onScreen, `${look.what} has the focus but is not on screen`);
  assert.ok(look.visible && look.ring, `${look.what} has the focus but shows no focus indicator`);
  el.what = look.what;
  return el;
}

const same = (page, a, b) => page.evaluate(([x, y]) => x === y, [a, b]);

/** Presses `key` (Tab or Shift+Tab) until `target` has the focus, checking
 *  each stop on the way and that every press moved the focus. */
async function tabTo(page, target, key = 'Tab') {
  const want = await target.elementHandle();
  let at = await page.evaluateHandle(deepActive);
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press(key);
    const next = await focusShown(page);
    assert.ok(!(await same(page, at, next)), `${key} did not move the focus from ${next.what}: it is trapped`);
    if (await same(page, next, want)) return;
    at = next;
  }
  assert.fail(`${key} never reached ${await target.evaluate((e) => e.outerHTML.slice(0, 80))}`);
}

async function hasFocus(page, target) {
  const el = await focusShown(page);
  return same(page, el, await target.elementHandle());
}

test('posts, replies and edits by keyboard alone, focus always shown and never trapped', async () => {
  await seed(natter.origin, url('/keys'), { text: 'Equal partners from the start', name: 'Ann' });
  const page = await openThread(browser, url('/keys'));
  const w = page.locator('#natter');

  // A new comment.
  const form = w.getByRole('form', { name: 'Leave a comment' });
  const text = form.getByLabel('Comment', { exact: true });
  await tabTo(page, text);
  await page.keyboard.type('Typed, not pasted');
  await tabTo(page, form.getByLabel('Name (optional)'));
  await page.keyboard.type('Kim');
  await tabTo(page, form.getByRole('button', { name: 'Post comment' }));
  await page.keyboard.press('Enter');
  const mine = w.locator('article', { hasText: 'Typed, not pasted' });
  await mine.waitFor();
  assert.ok(await hasFocus(page, mine), 'the new comment has the focus');
  assert.match(await mine.innerText(), /Kim/);

  // A reply: Shift+Tab back to Ann's Reply button, Space opens the form.
  const ann = w.locator('article', { hasText: 'Equal partners' });
  const reply = ann.getByRole('button', { name: 'Reply' });
  await tabTo(page, reply, 'Shift+Tab');
  await page.keyboard.press('Space');
  const replyForm = w.getByRole('form', { name: 'Reply to Ann' });
  await replyForm.waitFor();
  const replyText = replyForm.getByLabel('Comment', { exact: true });
  assert.ok(await hasFocus(page, replyText), 'the reply box has the focus');
  assert.equal(await reply.getAttribute('aria-expanded'), 'true');
  await page.keyboard.type('Half a repl');
  assert.equal(await replyText.inputValue(), 'Half a repl');
  // Escape leaves the form, back on the button that opened it.
  await page.keyboard.press('Escape');
  await replyForm.waitFor({ state: 'detached' });
  assert.ok(await hasFocus(page, reply), 'Escape gives the focus back to Reply');
  assert.equal(await reply.getAttribute('aria-expanded'), 'false');
  await page.keyboard.press('Enter');
  await replyForm.waitFor();
  assert.ok(await hasFocus(page, replyText), 'the reply box has the focus again');
  await page.keyboard.type('Yes, and from the first meeting');
  await tabTo(page, replyForm.getByRole('button', { name: 'Post comment' }));
  await page.keyboard.press('Enter');
  const answer = w.locator('.n-sub article', { hasText: 'Yes, and from the first meeting' });
  await answer.waitFor();
  assert.ok(await hasFocus(page, answer), 'the reply has the focus');

  // An edit of the reader's own comment.
  const edit = answer.getByRole('button', { name: 'Edit' });
  await tabTo(page, edit);
  await page.keyboard.press('Enter');
  const editForm = w.getByRole('form', { name: 'Edit your comment' });
  await editForm.waitFor();
  const editText = editForm.getByLabel('Comment', { exact: true });
  assert.ok(await hasFocus(page, editText), 'the edit box has the focus');
  await page.keyboard.press('Escape');
  await editForm.waitFor({ state: 'detached' });
  assert.ok(await hasFocus(page, edit), 'Escape gives the focus back to Edit');
  await page.keyboard.press('Space');
  await editForm.waitFor();
  assert.ok(await hasFocus(page, editText), 'the edit box has the focus again');
  await page.keyboard.type('.');
  await tabTo(page, editForm.getByRole('button', { name: 'Save' }));
  await page.keyboard.press('Enter');
  const edited = w.locator('article', { hasText: 'Yes, and from the first meeting.' });
  await edited.waitFor();
  assert.match(await edited.innerText(), /\(edited\)/);
  assert.ok(await hasFocus(page, edited), 'the edited comment has the focus');

  // And Tab still goes on past the thread's last control.
  await tabTo(page, w.getByRole('button', { name: 'Delete' }).last());
  await page.keyboard.press('Tab');
  assert.ok(!(await same(page, await page.evaluateHandle(deepActive), await w.getByRole('button', { name: 'Delete' }).last().elementHandle())));

  const stored = (await api(natter.origin, 'GET', '/api/comments?url=' + encodeURIComponent(url('/keys')))).body;
  assert.equal(stored.comments.length, 2);
  assert.equal(stored.comments[0].replies[0].author.name, 'Kim');
  assert.match(stored.comments[0].replies[0].html, /Yes, and from the first meeting\./);
  assert.deepEqual(page.errors, []);
  await page.close();
});
