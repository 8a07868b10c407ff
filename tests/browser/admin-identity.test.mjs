// The admin page's side of sign-in, in headless Chromium against a real
// natter: why a comment was held, pinning and replying as the site's team
// (by pointer and by keyboard alone), and the sign-in providers form, whose
// secret never comes back to the page. The tests run in order on one
// signed-in moderator.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pageServer, startNatter, launch, post, call, watchedPage, axe, PASSWORD } from './admin-harness.mjs';
import { typeIn } from './harness.mjs';

let pages, natter, browser, page;
const problems = [];
const at = (path) => pages.origin + path;
const SECRET = 'a-very-secret-value-42';

before(async () => {
  pages = await pageServer();
  natter = await startNatter(pages.origin, { site: ['block_words = ["casino"]'] });
  pages.natter = natter.origin;
  browser = await launch();
  page = await watchedPage(await browser.newContext(), problems);
  await page.goto(natter.origin + '/admin');
  await typeIn(page.getByLabel('Username'), 'admin');
  await typeIn(page.getByLabel('Password'), PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
});

after(async () => {
  assert.deepEqual(problems, [], 'no page errors or CSP violations');
  await browser?.close();
  await natter?.stop();
  await pages?.close();
});

async function open(name) {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();
  await page.waitForFunction((n) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === n, name);
}

const row = (text) => page.locator('section:not([hidden]) li.comment', { hasText: text });

/** The public thread of a page, as readers get it. */
const thread = async (path) => (await call(natter.origin, 'GET', '/api/comments?url=' + encodeURIComponent(at(path)))).body;

/** Publishes a held comment from the API, as another moderator would. */
async function approveAll() {
  const list = await page.evaluate(async () => (await fetch('/admin/api/comments?status=pending')).json());
  const ids = list.comments.map((c) => c.id);
  if (!ids.length) return;
  const csrf = await page.evaluate(async () => {
    const r = await fetch('/admin/api/session');
    return (await r.json()).csrf_token;
  });
  await page.evaluate(async ({ ids, csrf }) => {
    await fetch('/admin/api/comments/bulk', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ ids, action: 'approve' }),
    });
  }, { ids, csrf });
}

test('the queue says, in plain words, why each comment was held (axe passes)', async () => {
  const r = await post(natter.origin, at('/post'), { text: 'The best casino in town', name: 'Spammy' }, '198.51.100.10');
  assert.equal(r.status, 202);
  await post(natter.origin, at('/post'), { text: 'A kind word', name: 'Kim' }, '198.51.100.11');
  await page.reload();
  await page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
  const spammy = row('The best casino in town');
  await spammy.waitFor();
  assert.match(await spammy.innerText(), /Held because: It contains a word from the site's block list\./);
  const kim = row('A kind word');
  assert.match(await kim.innerText(), /Held because: The site holds every comment for a moderator\./);
  assert.deepEqual(await axe(page), [], 'axe on the queue with held reasons');
});

test('a moderator pins a comment and replies to it as the team; readers see both', async () => {
  await approveAll();
  await open('Comments');
  await typeIn(page.getByRole('searchbox', { name: 'Search' }), 'Kim');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByText('1 comment found.').waitFor();
  const kim = row('A kind word');
  await kim.getByRole('button', { name: 'Pin to top comment by Kim' }).click();
  await page.getByRole('status').getByText('The comment by Kim is pinned to the top of its thread.').waitFor();
  await row('A kind word').getByText('Pinned', { exact: true }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Unpin comment by Kim', 'the focus stays on the button');

  await row('A kind word').getByRole('button', { name: 'Reply to Kim' }).click();
  const reply = row('A kind word').getByLabel('Your reply');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
  await typeIn(reply, 'Thank you, **Kim**!');
  await row('A kind word').getByRole('button', { name: 'Post reply to Kim' }).click();
  await page.getByRole('status').getByText('Your reply to Kim is published.').waitFor();
  const mine = row('Thank you, Kim!');
  await mine.waitFor();
  assert.match(await mine.innerText(), /Team/);
  assert.equal(await mine.locator('.preview strong').innerText(), 'Kim');
  assert.deepEqual(await axe(page), [], 'axe on the comments with a pinned comment and a team reply');

  const t = await thread('/post');
  const top = t.comments.find((c) => c.html.includes('A kind word'));
  assert.ok(top, 'the pinned comment is in the thread');
  assert.equal(top.replies[0].author.name, 'admin');
  assert.match(top.replies[0].html, /<strong>Kim<\/strong>/);
});

test('replying and unpinning work with the keyboard alone; Escape closes the reply form', async () => {
  const kim = row('A kind word');
  await kim.getByRole('checkbox', { name: 'Select comment by Kim' }).focus();
  let tabs = 0;
  while (await page.evaluate(() => document.activeElement?.textContent) !== 'Reply to Kim') {
    assert.ok(++tabs <= 12, 'the Reply button is reached with Tab');
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
  await page.keyboard.type('Never mind');
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Reply to Kim', 'Escape returns to the button');
  assert.equal(await row('A kind word').getByLabel('Your reply').isVisible(), false);

  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('Glad you came by, Kim.');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Post reply to Kim');
  await page.keyboard.press('Enter');
  // The status says the same as after the first reply: wait for the row.
  await row('Glad you came by, Kim.').waitFor();
  const t = await thread('/post');
  const top = t.comments.find((c) => c.html.includes('A kind word'));
  assert.deepEqual(top.replies.map((r) => r.html.replace(/<[^>]+>/g, '').trim()), ['Thank you, Kim!', 'Glad you came by, Kim.']);

  // Unpin by keyboard: Tab to the button, Enter.
  while (await page.evaluate(() => document.activeElement?.textContent) !== 'Unpin comment by Kim') {
    assert.ok(++tabs <= 40, 'the Unpin button is reached with Tab');
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  await page.getByRole('status').getByText('The comment by Kim is no longer pinned.').waitFor();
});

test('a provider is added and changed in the Sites section; its secret never comes back', async () => {
  await open('Sites');
  await page.getByRole('button', { name: 'Add a provider' }).click();
  const form = page.locator('.providers form');
  await typeIn(form.getByLabel('Id', { exact: true }), 'gitlab');
  await form.getByLabel('Kind').selectOption('oidc');
  await typeIn(form.getByLabel('Name on the button'), 'GitLab');
  await typeIn(form.getByLabel('Issuer'), 'ftp://gitlab.example');
  await typeIn(form.getByLabel('Client id'), 'natter-client');
  await typeIn(form.getByLabel('Client secret'), SECRET);
  await form.getByRole('button', { name: 'Add provider' }).click();
  // A wrong issuer is named beside its field, which gets the focus.
  await form.getByText('give the provider\'s issuer as an https:// address').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.name), 'provider.issuer');
  assert.deepEqual(await axe(page), [], 'axe on the providers form with an error');
  await typeIn(form.getByLabel('Issuer'), 'https://gitlab.example');
  await form.getByRole('button', { name: 'Add provider' }).click();
  await page.getByRole('status').getByText('The provider GitLab is added.').waitFor();
  const card = page.locator('.providers li.card', { hasText: 'GitLab (gitlab)' });
  assert.match(await card.innerText(), /secret set/);
  assert.ok(!(await page.content()).includes(SECRET), 'the secret is nowhere in the page');

  // Changing the name leaves the secret empty, which keeps it.
  await card.getByRole('button', { name: 'Edit provider gitlab' }).click();
  const edit = card.locator('form');
  assert.equal(await edit.getByLabel('Client secret').inputValue(), '');
  assert.match(await edit.innerText(), /A secret is saved\. Leave this empty to keep it/);
  await typeIn(edit.getByLabel('Name on the button'), 'GitLab EU');
  await edit.getByRole('button', { name: 'Save provider gitlab' }).click();
  await page.getByRole('status').getByText('The provider GitLab EU is saved.').waitFor();
  const list = await page.evaluate(async () => (await fetch('/admin/api/providers')).text());
  assert.ok(!list.includes(SECRET));
  assert.match(list, /"client_secret_set":true/);

  // The site offers it, from its sign-in list.
  const site = page.locator('li.card', { hasText: 'Test blog (test)' });
  await site.getByRole('button', { name: 'Edit site test' }).click();
  await typeIn(site.getByLabel('Sign-in providers offered'), 'gitlab');
  await site.getByRole('button', { name: 'Save site test' }).click();
  await page.getByRole('status').getByText('The site Test blog is saved.').waitFor();
  const sites = await page.evaluate(async () => (await fetch('/admin/api/sites')).json());
  assert.deepEqual(sites.sites[0].settings.sign_in, ['gitlab']);
  assert.deepEqual(sites.sites[0].settings.block_words, ['casino'], 'other settings are kept');
  const audit = await page.evaluate(async () => (await fetch('/admin/api/audit')).json());
  assert.ok(audit.entries.some((e) => e.action === 'save_provider' && e.target === 'provider gitlab'));
});
