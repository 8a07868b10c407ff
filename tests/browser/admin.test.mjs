// The admin page at /admin, end to end: a real natter server, a host page on
// another origin, headless Chromium. The tests run in order and share one
// signed-in moderator; each leaves the server as the next one expects.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pageServer, startNatter, launch, post, call, watchedPage, axe, PASSWORD } from './admin-harness.mjs';
import { typeIn } from './harness.mjs';

let pages, natter, browser, admin, page;
/** Page errors and CSP violations seen on any page. */
const problems = [];
const at = (path) => pages.origin + path;

before(async () => {
  pages = await pageServer();
  natter = await startNatter(pages.origin);
  pages.natter = natter.origin;
  browser = await launch();
  admin = await browser.newContext();
  page = await watchedPage(admin, problems);
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await pages?.close();
});

/** Opens a section from the navigation and waits for its heading to have focus. */
async function open(name) {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();
  await page.waitForFunction((n) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === n, name);
}

/** The row of the comment whose text contains `text`. */
const row = (text) => page.locator('section:not([hidden]) li.comment', { hasText: text });

/** Runs `fetch` in the signed-in admin page (same origin, its cookie). */
const adminGet = (path) => page.evaluate(async (p) => (await fetch('/admin/api/' + p)).json(), path);

test('the sign-in page passes axe; a wrong password shows the error, the right one opens the queue', async () => {
  await page.goto(natter.origin + '/admin');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.deepEqual(await axe(page), [], 'axe on the sign-in page');

  await typeIn(page.getByLabel('Username'), 'admin');
  await typeIn(page.getByLabel('Password'), 'not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const error = page.locator('#signin-error');
  await error.waitFor();
  assert.equal(await error.innerText(), 'The username or password is not right.');
  assert.equal(await page.locator('#nav').isVisible(), false);

  await typeIn(page.getByLabel('Password'), PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Queue');
  assert.match(await page.locator('#account').innerText(), /Signed in as admin/);
  assert.equal(await error.isVisible(), false);
  assert.match(await page.locator('#section-queue .summary').innerText(), /No comments are waiting/);
});

test('sign-in works with the keyboard alone, with a visible focus', async () => {
  const context = await browser.newContext();
  const kb = await watchedPage(context, problems);
  await kb.goto(natter.origin + '/admin');
  await kb.getByRole('heading', { name: 'Sign in' }).waitFor();
  let tabs = 0;
  while (await kb.evaluate(() => document.activeElement?.id) !== 'username') {
    assert.ok(++tabs <= 3, 'the username field is among the first three stops of Tab');
    await kb.keyboard.press('Tab');
  }
  const outline = await kb.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  assert.equal(outline.style, 'solid');
  assert.ok(outline.width >= 2, 'the focus outline is at least 2px wide');
  await kb.keyboard.type('admin');
  await kb.keyboard.press('Tab');
  assert.equal(await kb.evaluate(() => document.activeElement.id), 'password');
  await kb.keyboard.type(PASSWORD);
  await kb.keyboard.press('Enter');
  await kb.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();

  // Signing out, also by keyboard, ends this session only.
  await kb.locator('#signout').focus();
  await kb.keyboard.press('Enter');
  await kb.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await kb.evaluate(async () => (await fetch('/admin/api/session')).status), 401);
  assert.equal((await adminGet('session')).username, 'admin', 'the other session lives on');
  await context.close();
});

test('a held comment is in the queue (axe passes); approved, it shows in the widget on another origin', async () => {
  const held = await post(natter.origin, at('/post'), { text: 'A thoughtful **first** comment', name: 'Ada', email: 'ada@example.org' }, '198.51.100.1');
  assert.equal(held.status, 202);
  await page.reload();
  await page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
  const ada = row('A thoughtful first comment');
  await ada.waitFor();
  assert.match(await ada.innerText(), /Held/);
  assert.equal(await ada.locator('.preview strong').innerText(), 'first');
  assert.equal(await page.locator('#nav-queue').innerText(), 'Queue (1 held)');
  assert.deepEqual(await axe(page), [], 'axe on the queue with a held comment');

  await ada.getByRole('button', { name: /^Approve/ }).click();
  await ada.waitFor({ state: 'detached' });
  await page.getByRole('status').getByText('1 comment approved.').waitFor();
  assert.match(await page.locator('#section-queue .summary').innerText(), /No comments are waiting/);

  const reader = await watchedPage(await browser.newContext(), []);
  await reader.goto(at('/post'));
  await reader.locator('#natter').getByText('A thoughtful first comment').waitFor({ timeout: 10000 });
  await reader.context().close();
});

test('banning an author from a comment row: by email, then by IP hash; their posts are refused 403', async () => {
  await post(natter.origin, at('/post'), { text: 'Buy cheap watches', name: 'Bob', email: 'bob@example.org' }, '198.51.100.2');
  await post(natter.origin, at('/post'), { text: 'More cheap watches', name: 'Cy', email: 'cy@example.org' }, '198.51.100.4');
  await open('Comments');
  await typeIn(page.getByRole('searchbox', { name: 'Search' }), 'bob@example');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByText('1 comment found.').waitFor();

  const bob = row('Buy cheap watches');
  await bob.getByRole('button', { name: /^Ban author/ }).click();
  await bob.getByLabel(/^Email address/).check();
  await typeIn(bob.getByLabel(/^Reason/), 'Selling watches');
  await typeIn(bob.getByLabel('Days'), '30');
  await bob.getByRole('button', { name: /^Ban Bob/ }).click();
  await bob.getByText('Bob is banned by email address for 30 days.').waitFor();
  const again = await post(natter.origin, at('/post'), { text: 'I am back', name: 'Bob', email: 'bob@example.org' }, '198.51.100.3');
  assert.equal(again.status, 403);
  assert.equal(again.body.error, 'banned');

  // A wrong number of days is shown beside its field and nothing is sent.
  await typeIn(page.getByRole('searchbox', { name: 'Search' }), '');
  await page.getByRole('button', { name: 'Search' }).click();
  const cy = row('More cheap watches');
  await cy.getByRole('button', { name: /^Ban author/ }).click();
  await cy.getByLabel(/^IP hash/).check();
  await typeIn(cy.getByLabel('Days'), 'soon');
  await cy.getByRole('button', { name: /^Ban Cy/ }).click();
  await cy.getByText('Enter a whole number of days').waitFor();
  assert.equal(await cy.getByLabel('Days').getAttribute('aria-invalid'), 'true');
  await typeIn(cy.getByLabel('Days'), '');
  await cy.getByRole('button', { name: /^Ban Cy/ }).click();
  await cy.getByText('Cy is banned by IP hash with no end.').waitFor();
  const cyAgain = await post(natter.origin, at('/post'), { text: 'Another name now', name: 'Dee', email: 'dee@example.org' }, '198.51.100.4');
  assert.equal(cyAgain.status, 403);

  // Both bans are listed; removing the IP ban lets that address post again.
  await open('Bans');
  const table = page.locator('#section-bans table');
  await table.locator('code', { hasText: 'bob@example.org' }).waitFor();
  assert.match(await table.innerText(), /Selling watches/);
  assert.match(await table.innerText(), /in 4 weeks|in 30 days|next month/);
  assert.match(await table.innerText(), /Never/);
  await table.locator('tr', { hasText: 'IP hash' }).getByRole('button', { name: /^Remove/ }).click();
  await page.getByRole('status').getByText(/is removed/).waitFor();
  assert.equal(await table.locator('tbody tr').count(), 1);
  const afterUnban = await post(natter.origin, at('/post'), { text: 'Honest comment now', name: 'Dee', email: 'dee@example.org' }, '198.51.100.4');
  assert.equal(afterUnban.status, 202);
});

test('locking a thread from the page refuses new comments (403 thread_locked); moving it reports a clash', async () => {
  assert.equal((await post(natter.origin, at('/quiet'), { text: 'First on the quiet page' }, '198.51.100.5')).status, 202);
  await open('Threads');
  const quiet = page.locator('#section-threads li.card', { hasText: at('/quiet') });
  await quiet.getByRole('button', { name: /^Lock/ }).click();
  await quiet.getByText('Locked', { exact: true }).waitFor();
  assert.match(await page.evaluate(() => document.activeElement.textContent), /^Unlock/);
  const refused = await post(natter.origin, at('/quiet'), { text: 'Too late' }, '198.51.100.6');
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error, 'thread_locked');

  // Moving onto a page that has its own thread is refused, with the reason beside the form.
  await quiet.getByRole('button', { name: /^Change title or address/ }).click();
  await typeIn(quiet.getByLabel('Title', { exact: true }), 'A quiet page');
  await typeIn(quiet.getByLabel('Page address'), at('/post'));
  await quiet.getByRole('button', { name: /^Save/ }).click();
  await quiet.getByRole('alert').getByText('Another thread already has that address').waitFor();
  // To a free address it moves, with its new title.
  await typeIn(quiet.getByLabel('Page address'), at('/calm'));
  await quiet.getByRole('button', { name: /^Save/ }).click();
  const calm = page.locator('#section-threads li.card', { hasText: at('/calm') });
  await calm.getByRole('heading', { name: 'A quiet page' }).waitFor();
  const moved = await post(natter.origin, at('/calm'), { text: 'Still locked here' }, '198.51.100.7');
  assert.equal(moved.body.error, 'thread_locked');
});

test('editing a comment saves and re-renders it', async () => {
  await open('Comments');
  await typeIn(page.getByRole('searchbox', { name: 'Search' }), 'thoughtful');
  await page.getByRole('button', { name: 'Search' }).click();
  const ada = row('A thoughtful first comment');
  await ada.getByRole('button', { name: /^Edit/ }).click();
  const text = ada.getByLabel('Comment text');
  assert.equal(await text.inputValue(), 'A thoughtful **first** comment');
  await typeIn(text, 'Edited by a *moderator*: see https://example.org');
  await ada.getByRole('button', { name: /^Save/ }).click();
  const edited = row('Edited by a moderator');
  await edited.locator('.preview em').getByText('moderator').waitFor();
  assert.match(await edited.locator('.meta').innerText(), /edited just now/);
  const pub = await call(natter.origin, 'GET', '/api/comments?url=' + encodeURIComponent(at('/post')));
  assert.ok(pub.body.comments.some((c) => c.html.includes('<em>moderator</em>')), 'the public thread has the new text');
});

test('bulk actions: select all in the queue, leave one out, mark spam; delete, then restore one', async () => {
  await open('Queue');
  const queue = page.locator('#section-queue');
  await queue.getByText('4 comments waiting for approval.').waitFor();
  assert.equal(await page.locator('#nav-queue').innerText(), 'Queue (4 held)');

  await queue.getByRole('button', { name: 'Delete selected' }).click();
  await queue.getByRole('group', { name: 'Selected comments' }).getByText('Select one or more comments first.').waitFor();

  await queue.getByLabel('Select all comments shown').check();
  assert.equal(await queue.locator('li.comment input[type=checkbox]:checked').count(), 4);
  await row('Honest comment now').getByLabel(/^Select/).uncheck();
  assert.equal(await queue.getByLabel('Select all comments shown').evaluate((b) => b.indeterminate), true);
  await queue.getByRole('button', { name: 'Mark as spam selected' }).click();
  await page.getByRole('status').getByText('3 comments marked as spam.').waitFor();
  await queue.getByText('1 comment waiting for approval.').waitFor();
  assert.equal(await page.locator('#nav-queue').innerText(), 'Queue (1 held)');

  await open('Comments');
  const comments = page.locator('#section-comments');
  await typeIn(comments.getByRole('searchbox', { name: 'Search' }), '');
  await comments.getByLabel('Status').selectOption('spam');
  await comments.getByRole('button', { name: 'Search' }).click();
  await comments.getByText('3 comments found.').waitFor();
  await comments.getByLabel('Select all comments shown').check();
  await comments.getByRole('button', { name: 'Delete selected' }).click();
  await page.getByRole('status').getByText('3 comments deleted.').waitFor();
  await comments.getByText('No comments match.').waitFor();

  await comments.getByLabel('Status').selectOption('deleted');
  await comments.getByRole('button', { name: 'Search' }).click();
  await comments.getByText('3 comments found.').waitFor();
  await row('More cheap watches').getByRole('button', { name: /^Restore/ }).click();
  await page.getByRole('status').getByText('1 comment restored.').waitFor();
  await comments.getByText('2 comments found.').waitFor();
  const { comments: [cy] } = await adminGet('comments?q=More%20cheap');
  assert.equal(cy.status, 'published');
  await comments.getByLabel('Status').selectOption('');
});

test('creating a site: a wrong limit is shown beside its field, then the site is added', async () => {
  await open('Sites');
  await page.getByRole('button', { name: 'Add a site' }).click();
  const form = page.locator('.add form');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'id');
  await typeIn(form.getByLabel('Id', { exact: true }), 'second');
  await typeIn(form.getByLabel('Name', { exact: true }), 'Second blog');
  await typeIn(form.getByLabel('Origins'), 'https://second.example.org');
  await form.getByLabel('New comments').selectOption('first');
  await form.getByLabel('Authors must give a name').check();
  await typeIn(form.getByLabel('Words that hold a comment'), 'casino\nlottery');
  await typeIn(form.getByLabel('Longest comment, in characters'), '0');
  await form.getByRole('button', { name: 'Add site' }).click();
  const limit = form.getByLabel('Longest comment, in characters');
  await form.getByText('settings.text_max must be between 1 and 100000.').waitFor();
  assert.equal(await limit.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'settings.text_max');
  assert.deepEqual(await axe(page), [], 'axe on the site form with an error');

  await typeIn(limit, '5000');
  await form.getByRole('button', { name: 'Add site' }).click();
  await page.getByRole('heading', { name: 'Second blog (second)' }).waitFor();
  const { sites } = await adminGet('sites');
  const second = sites.find((s) => s.id === 'second');
  assert.deepEqual(second.origins, ['https://second.example.org']);
  assert.equal(second.settings.moderation, 'first');
  assert.equal(second.settings.require_name, true);
  assert.deepEqual(second.settings.block_words, ['casino', 'lottery']);
  assert.equal(second.settings.text_max, 5000);
  assert.equal(second.settings.edit_window_seconds, 900);

  // Editing: a site with no origin is refused beside the origins field.
  const card = page.locator('#section-sites li.card', { hasText: 'Second blog (second)' });
  await card.getByRole('button', { name: /^Edit/ }).click();
  await typeIn(card.getByLabel('Origins'), '');
  await card.getByRole('button', { name: /^Save/ }).click();
  await card.getByText('Give at least one origin').waitFor();
  assert.equal(await card.getByLabel('Origins').getAttribute('aria-invalid'), 'true');
});

test('the audit log lists the actions, with who and when', async () => {
  await open('Audit log');
  const table = page.locator('#section-audit table');
  await table.locator('tbody tr').first().waitFor();
  const text = await table.innerText();
  for (const action of ['Signed in', 'Signed out', 'Approved', 'Marked as spam', 'Deleted', 'Restored', 'Banned', 'Removed a ban',
    'Locked', 'Retitled', 'Moved', 'Edited', 'Saved site settings']) {
    assert.ok(text.includes(action), `the audit log lists "${action}"`);
  }
  assert.match(text, /site second/);
  assert.match(text, /It was held\./);
  assert.match(await table.locator('tbody tr').first().innerText(), /admin/);
  assert.match(text, /just now|minute ago|minutes ago|seconds ago/);
});

test('signing out everywhere ends the other sessions too', async () => {
  const context = await browser.newContext();
  const other = await watchedPage(context, problems);
  await other.goto(natter.origin + '/admin');
  await typeIn(other.getByLabel('Username'), 'admin');
  await typeIn(other.getByLabel('Password'), PASSWORD);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await other.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();

  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByRole('status').getByText('You are signed out on every device.').waitFor();

  // The other browser finds out at its next call and is asked to sign in again.
  await other.getByRole('link', { name: 'Bans' }).click();
  await other.getByText('Your session has ended. Please sign in again.').waitFor();
  assert.equal(await other.locator('#app').innerHTML(), '', 'nothing private is left on the page');
  await context.close();
});

test('no page broke a Content Security Policy or threw an error', () => {
  assert.deepEqual(problems, []);
});
