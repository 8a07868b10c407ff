// The demo page at `/` runs under a strict Content-Security-Policy (it
// shares natter's origin with the admin page) and still shows its comments.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNatter, launch, seed } from './harness.mjs';

let natter, browser;

before(async () => {
  // No site configured: natter serves its demo site, whose origin is natter.
  natter = await startNatter();
  await seed(natter.origin, natter.origin + '/', { text: 'Co-production starts with listening', name: 'Ada' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await natter?.stop();
});

test('the demo page loads its comments with nothing refused by its policy', async () => {
  const page = await browser.newPage();
  const refused = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const res = await page.goto(natter.origin + '/?theme=dark');
  const csp = res.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe/);
  const comments = page.getByRole('region', { name: 'Comments' });
  // The five sample comments of the demo site, and the one seeded here.
  await comments.getByRole('heading', { name: /6 comments/ }).waitFor({ timeout: 10000 });
  await assert.doesNotReject(comments.getByText('Co-production starts with listening').waitFor());
  // The page's own script ran too: the theme follows ?theme, the snippet names this origin.
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
  assert.match(await page.locator('#snippet').innerText(), new RegExp(natter.origin.replace(/[.]/g, '\\.') + '/embed\\.js'));
  assert.deepEqual(refused, []);
  assert.deepEqual(errors, []);
  await page.close();
});
