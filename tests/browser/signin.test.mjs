// Signing in (DESIGN §15), as a reader does it in Chromium: the real OpenID
// provider's login page in a popup, a comment with the verified mark, an
// edit after the guest window has closed, a new name, signing out; the same
// tab when a popup cannot open; a site that wants readers signed in; and
// every word of js/signin.js in all seven languages.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, launch, snippet, openThread, typeIn, startSignIn, providerLogin, axe, seed } from './harness.mjs';
import { words } from '../../widget/js/signin.js';
import { notices } from '../../widget/js/write.js';

let pages, parts, browser;
const url = (path) => pages.origin + path;
// A popup blocker that stops even a click's popup: a sandbox without
// allow-popups (window.open answers null), as some in-app browsers are.
const sandboxed = (n) => ({
  type: 'text/html; charset=utf-8',
  headers: { 'Content-Security-Policy': 'sandbox allow-scripts allow-same-origin allow-forms' },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Blocked popups</title></head>
    <body><main>${snippet(n)}</main></body></html>`,
});

before(async () => {
  pages = await startPages({
    '/flow': (n) => snippet(n),
    '/dark': (n) => snippet(n, ' data-theme="dark"'),
    '/blocked': sandboxed,
    '/forged': (n) => snippet(n),
  });
  parts = await startSignIn([
    { id: 'test', origins: [pages.origin], editWindow: '1s' },
  ]);
  pages.natter = parts.natter.origin;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await parts?.stop();
  await pages?.close();
});

/** Clicks "Sign in with Test ID" and signs in as `user` in the popup;
 *  resolves once the widget says so, under the name it has (`shown`). */
async function signIn(page, w, user = 'Ann', shown = user) {
  const popup = page.waitForEvent('popup');
  await w.getByRole('button', { name: 'Sign in with Test ID' }).click();
  await providerLogin(await popup, user.toLowerCase());
  await w.getByText(`Signed in as ${shown} with Test ID`, { exact: true }).waitFor();
}

/** Posts `text` from the thread's form; resolves with the request made. */
async function post(page, w, text) {
  await typeIn(w.getByLabel('Comment', { exact: true }), text);
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/api/comments?'));
  await w.getByRole('button', { name: 'Post comment' }).click();
  const request = await sent;
  await w.locator('article', { hasText: text }).waitFor();
  return request;
}

test('a reader signs in in the popup, comments with the verified mark, edits after the guest window, signs out', async () => {
  const page = await openThread(browser, url('/flow'));
  const w = page.locator('#natter');
  // Signed out: the button, and the guest fields.
  assert.ok(await w.getByLabel('Name (optional)').isVisible());
  await signIn(page, w);
  const status = w.getByRole('status');
  assert.match(await status.innerText(), /You are signed in as Ann with Test ID\./);
  // Signed in: no guest fields, no sign-in button, the reader's buttons.
  assert.equal(await w.getByLabel('Name (optional)').count(), 0);
  assert.equal(await w.getByLabel('Email (optional)').count(), 0);
  assert.equal(await w.getByRole('button', { name: 'Sign in with Test ID' }).count(), 0);
  for (const name of ['Sign out', 'Sign out everywhere', 'Change name']) {
    assert.ok(await w.getByRole('button', { name, exact: true }).isVisible(), name);
  }
  // The focus is back in the form, ready to write.
  assert.equal(await page.evaluate(() => document.activeElement.shadowRoot.activeElement.name), 'text');

  const request = await post(page, w, 'Signed in and glad to be here');
  const token = /^Bearer (\S+)$/.exec(request.headers().authorization || '')?.[1];
  assert.ok(token, 'the post is sent with the reader token');
  // The page's address never held the token.
  assert.doesNotMatch(page.url(), /natter-token/);
  const mine = w.locator('article', { hasText: 'Signed in and glad to be here' });
  assert.match(await mine.innerText(), /signed in with Test ID/);
  assert.equal(await mine.getAttribute('aria-label'), 'Ann');

  // Past the guest window (1 s), and on a fresh load, the comment is still Ann's.
  await new Promise((r) => setTimeout(r, 1500));
  await page.reload();
  await w.locator('h2').waitFor();
  await w.getByText('Signed in as Ann with Test ID', { exact: true }).waitFor();
  const again = w.locator('article', { hasText: 'Signed in and glad to be here' });
  await again.getByRole('button', { name: 'Edit' }).click();
  const editor = w.getByRole('form', { name: 'Edit your comment' });
  const field = editor.getByLabel('Comment', { exact: true });
  assert.equal(await field.inputValue(), 'Signed in and glad to be here');
  await typeIn(field, 'Signed in, and edited later');
  const patched = page.waitForRequest((r) => r.method() === 'PATCH');
  await editor.getByRole('button', { name: 'Save' }).click();
  assert.equal((await patched).headers().authorization, 'Bearer ' + token);
  await w.locator('article', { hasText: 'Signed in, and edited later' }).waitFor();
  assert.match(await status.innerText(), /Your comment is updated\./);

  // Signing out: the buttons come back, the token is revoked.
  await w.getByRole('button', { name: 'Sign out', exact: true }).click();
  await w.getByRole('button', { name: 'Sign in with Test ID' }).waitFor();
  assert.match(await status.innerText(), /You are signed out\./);
  assert.ok(await w.getByLabel('Name (optional)').isVisible());
  const edited = w.locator('article', { hasText: 'Signed in, and edited later' });
  assert.equal(await edited.getByRole('button', { name: 'Edit' }).count(), 0);
  const me = await fetch(parts.natter.origin + '/api/me', { headers: { Authorization: 'Bearer ' + token } });
  assert.equal(me.status, 401);
  assert.equal((await me.json()).error, 'signed_out');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a reader changes their name, and "sign out everywhere" signs out their other devices', async () => {
  const laptop = await browser.newContext();
  const page = await laptop.newPage();
  await page.goto(url('/flow'));
  const w = page.locator('#natter');
  await signIn(page, w, 'Bob');
  await w.getByRole('button', { name: 'Change name' }).click();
  const box = w.getByRole('group', { name: 'Change name' });
  await typeIn(box.getByLabel('Your display name'), 'Bob Lee');
  await box.getByRole('button', { name: 'Save' }).click();
  await w.getByText('Signed in as Bob Lee with Test ID', { exact: true }).waitFor();
  assert.match(await w.getByRole('status').innerText(), /Your name is now Bob Lee\./);

  // Another device (a browser context of its own) signs in as the same reader.
  const phone = await browser.newContext();
  const other = await phone.newPage();
  await other.goto(url('/flow'));
  const ow = other.locator('#natter');
  await signIn(other, ow, 'Bob', 'Bob Lee');
  await w.getByRole('button', { name: 'Sign out everywhere' }).click();
  await w.getByRole('button', { name: 'Sign in with Test ID' }).waitFor();
  assert.match(await w.getByRole('status').innerText(), /You are signed out on every device\./);
  // The phone learns it when it next loads the thread, and says so.
  await other.reload();
  await ow.getByRole('button', { name: 'Sign in with Test ID' }).waitFor();
  assert.match(await ow.getByRole('status').innerText(), /You were signed out\. Please sign in again/);
  assert.ok(await ow.getByLabel('Name (optional)').isVisible());
  await laptop.close();
  await phone.close();
});

test('a revoked token: posting signs the widget out and says so, and the text stays', async () => {
  const laptop = await browser.newContext();
  const page = await laptop.newPage();
  await page.goto(url('/flow'));
  const w = page.locator('#natter');
  await signIn(page, w, 'Cy');
  // Revoked from another device.
  const phone = await browser.newContext();
  const other = await phone.newPage();
  await other.goto(url('/flow'));
  const ow = other.locator('#natter');
  await signIn(other, ow, 'Cy');
  await ow.getByRole('button', { name: 'Sign out everywhere' }).click();
  await ow.getByRole('button', { name: 'Sign in with Test ID' }).waitFor();
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Am I still me?');
  await w.getByRole('button', { name: 'Post comment' }).click();
  await w.getByRole('button', { name: 'Sign in with Test ID' }).waitFor();
  assert.match(await w.getByRole('status').innerText(), /You were signed out\. Please sign in again/);
  assert.equal(await w.getByLabel('Comment', { exact: true }).inputValue(), 'Am I still me?');
  assert.equal(await w.locator('article', { hasText: 'Am I still me?' }).count(), 0);
  await laptop.close();
  await phone.close();
});

test('popups blocked: the same tab goes to sign in and comes back signed in', async () => {
  const page = await openThread(browser, url('/blocked'));
  const w = page.locator('#natter');
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Written before signing in');
  await w.getByRole('button', { name: 'Sign in with Test ID' }).click();
  // The provider's login page, in this tab.
  await page.getByLabel('Username').waitFor();
  assert.equal(new URL(page.url()).origin, parts.provider.issuer);
  await page.getByLabel('Username').pressSequentially('ann');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.href.startsWith(url('/blocked')));
  await w.getByText('Signed in as Ann with Test ID', { exact: true }).waitFor();
  // The token went from the address into the widget, out of the address.
  assert.equal(page.url(), url('/blocked'));
  assert.match(await w.getByRole('status').innerText(), /You are signed in as Ann with Test ID/);
  // The draft waited.
  assert.equal(await w.getByLabel('Comment', { exact: true }).inputValue(), 'Written before signing in');
  await w.getByRole('button', { name: 'Post comment' }).click();
  const c = w.locator('article', { hasText: 'Written before signing in' });
  await c.waitFor();
  assert.match(await c.innerText(), /signed in with Test ID/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a message that is not natter\'s callback signs no one in', async () => {
  const page = await openThread(browser, url('/forged'));
  const w = page.locator('#natter');
  const popup = page.waitForEvent('popup');
  await w.getByRole('button', { name: 'Sign in with Test ID' }).click();
  const pop = await popup;
  await pop.getByLabel('Username').waitFor();
  // The host page (or a frame in it) forges the callback's message.
  await page.evaluate(() => window.postMessage({ type: 'natter:signin', token: 'forged', reader: { key: 'k', name: 'Mallory', provider: 'testid', provider_name: 'Test ID' } }, '*'));
  await page.waitForTimeout(300);
  assert.equal(await w.getByText('Signed in as Mallory').count(), 0);
  assert.ok(await w.getByRole('button', { name: 'Sign in with Test ID' }).isVisible());
  // The real one still works.
  await providerLogin(pop);
  await w.getByText('Signed in as Ann with Test ID', { exact: true }).waitFor();
  await w.getByRole('button', { name: 'Sign out', exact: true }).click();
  await w.getByRole('button', { name: 'Sign in with Test ID' }).waitFor();
  await page.close();
});

test('marks, badges and pins, and the sign-in controls, are axe-clean in both themes', async () => {
  await seed(parts.natter.origin, url('/dark'), { text: 'A guest comment', name: 'Omar' });
  for (const path of ['/flow', '/dark']) {
    const page = await openThread(browser, url(path));
    const w = page.locator('#natter');
    assert.deepEqual(await axe(page), [], `signed out, ${path}`);
    await signIn(page, w);
    await post(page, w, 'Verified in ' + path);
    await w.getByRole('button', { name: 'Change name' }).click();
    assert.deepEqual(await axe(page), [], `signed in, ${path}`);
    // The verified mark is words, not only a sign.
    const mark = w.locator('article', { hasText: 'Verified in ' + path }).getByText('signed in with Test ID');
    assert.ok(await mark.isVisible());
    await w.getByRole('button', { name: 'Sign out', exact: true }).click();
    await w.getByRole('button', { name: 'Sign in with Test ID' }).waitFor();
    await page.close();
  }
});

test('every word of js/signin.js and js/write.js is there in all seven languages, with the same slots', () => {
  const slots = (s) => (s.match(/\{\w+\}/g) || []).sort();
  const seven = ['ar', 'de', 'en', 'es', 'fr', 'nl', 'pt'];
  assert.deepEqual(Object.keys(words).sort(), seven);
  for (const lang of seven) {
    assert.deepEqual(Object.keys(words[lang]).sort(), Object.keys(words.en).sort(), lang);
    for (const k in words.en) assert.deepEqual(slots(words[lang][k]), slots(words.en[k]), `${lang}.${k}`);
  }
  for (const k in notices) assert.deepEqual(Object.keys(notices[k]).sort(), seven, k);
});
