// The admin page's Email and webhooks section, and the Sites section's
// notification settings. natter's mail server is a closed loopback port and
// each item gets one try, so the moderator's email fails at once.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pageServer, startNatter, launch, post, watchedPage, axe, PASSWORD } from './admin-harness.mjs';
import { typeIn } from './harness.mjs';

let pages, natter, browser, page;
/** Page errors and CSP violations seen on any page. */
const problems = [];

before(async () => {
  pages = await pageServer();
  natter = await startNatter(pages.origin, {
    site: ['moderator_emails = ["mod@example.org"]'],
    more: ['[smtp]', 'host = "127.0.0.1"', 'port = 9', 'tls = "none"', 'from = "Comments <comments@example.org>"', '',
      '[outbox]', 'attempts = 1', ''],
  });
  pages.natter = natter.origin;
  browser = await launch();
  page = await watchedPage(await browser.newContext(), problems);
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await pages?.close();
});

/** Runs `fetch` in the signed-in admin page (same origin, its cookie). */
const adminGet = (path) => page.evaluate(async (p) => (await fetch('/admin/api/' + p)).json(), path);

/** The outbox once `ready(answer)` holds (natter sends in the background). */
async function outboxWhen(ready) {
  for (let i = 0; i < 100; i++) {
    const r = await adminGet('outbox?state=dead');
    if (ready(r)) return r;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error('the outbox did not get there in 10 s');
}

/** Opens a section from the navigation and waits for its heading to have focus. */
async function open(name) {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();
  await page.waitForFunction((n) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === n, name);
}

test('a failed email to the moderator is listed with its error (axe passes), and can be sent again', async () => {
  const held = await post(natter.origin, pages.origin + '/post', { text: 'Tell the moderators', name: 'Ada' }, '198.51.100.1');
  assert.equal(held.status, 202);
  await page.goto(natter.origin + '/admin');
  await typeIn(page.getByLabel('Username'), 'admin');
  await typeIn(page.getByLabel('Password'), PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
  const before = (await outboxWhen((r) => r.counts.dead === 1)).items[0];
  assert.equal(before.recipient, 'mod@example.org');
  assert.ok(before.last_error);

  await open('Email and webhooks');
  const section = page.locator('#section-outbox');
  assert.equal(await section.getByLabel('Show').inputValue(), 'dead', 'failed ones are shown first');
  await section.getByText('Waiting: 0 · Sent: 0 · Failed: 1').waitFor();
  const table = section.getByRole('table', { name: 'Failed, newest first' });
  assert.deepEqual(await table.locator('th').allInnerTexts(), ['Created', 'What', 'To', 'Tries', 'Last error', 'Action']);
  const row = table.locator('tbody tr');
  assert.equal(await row.count(), 1);
  assert.deepEqual((await row.locator('td').allInnerTexts()).slice(1, 5),
    ['New comment, to a moderator', 'mod@example.org', '1', before.last_error]);
  assert.deepEqual(await axe(page), [], 'axe on the Email and webhooks section');

  await row.getByRole('button', { name: 'Send again the email to mod@example.org' }).click();
  await page.getByRole('status').getByText('The email to mod@example.org will be sent again.').waitFor();
  // Sent again (the audit log says so), and failed again: the port is still closed.
  const audit = await adminGet('audit');
  assert.ok(audit.entries.some((e) => e.action === 'retry' && e.target === `outbox ${before.id}`), JSON.stringify(audit));
  const again = (await outboxWhen((r) => r.counts.dead === 1)).items[0];
  assert.equal(again.id, before.id);
  assert.equal(again.attempts, 1);

  // The other states, by the chooser.
  await section.getByLabel('Show').selectOption('Sent');
  await section.getByRole('button', { name: 'Show', exact: true }).click();
  await section.getByText('Nothing has been sent yet.').waitFor();
  assert.equal(await section.locator('table').isVisible(), false);
  assert.deepEqual(problems, []);
});

test('a site’s moderators, email language and webhooks are edited in Sites; a short secret is refused beside its field', async () => {
  await open('Sites');
  const card = page.locator('#section-sites li.card', { hasText: 'Test blog (test)' });
  await card.getByRole('button', { name: /^Edit/ }).click();
  const mods = card.getByLabel('Moderators to email about each new comment');
  assert.equal(await mods.inputValue(), 'mod@example.org');
  await typeIn(mods, 'mod@example.org\nlead@example.org');
  await card.getByLabel('Language of emails').selectOption('de');
  const hooks = card.getByLabel('Webhooks');
  await typeIn(hooks, 'https://hooks.example.org/x tooshort');
  await card.getByRole('button', { name: /^Save/ }).click();
  await card.getByText(/the secret of webhook .* must be at least 16 characters long/).waitFor();
  assert.equal(await hooks.getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await axe(page), [], 'axe on the site form with a webhook error');

  await typeIn(hooks, 'https://hooks.example.org/x a-long-enough-secret');
  await card.getByRole('button', { name: /^Save/ }).click();
  await page.getByRole('status').getByText('The site Test blog is saved.').waitFor();
  const { settings } = (await adminGet('sites')).sites.find((s) => s.id === 'test');
  assert.deepEqual(settings.moderator_emails, ['mod@example.org', 'lead@example.org']);
  assert.equal(settings.language, 'de');
  assert.deepEqual(settings.webhooks, [{ url: 'https://hooks.example.org/x', secret: 'a-long-enough-secret' }]);
  assert.deepEqual(problems, []);
});
