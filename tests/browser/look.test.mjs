// Looks and reach: the dark theme, Arabic right to left, and axe-core's WCAG
// 2.2 A/AA rules on the demo page in both themes, with comments, an open
// reply form and an error on show.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, startNatter, launch, seed, snippet, openThread, axe, typeIn } from './harness.mjs';

let pages, natter, demo, browser;
const url = (path) => pages.origin + path;

/** Relative luminance of a CSS rgb() colour (WCAG's formula). */
function luminance(css) {
  const [r, g, b] = css.match(/[\d.]+/g).slice(0, 3).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

before(async () => {
  pages = await startPages({
    '/dark': (n) => snippet(n, ' data-theme="dark"'),
    '/light': (n) => snippet(n),
    '/ar': (n) => `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>مقال</title></head>
      <body><main>${snippet(n)}</main></body></html>`,
  });
  natter = await startNatter({ sites: [{ id: 'test', origins: [pages.origin] }] });
  pages.natter = natter.origin;
  // With no site configured, natter serves its demo site on its own origin.
  demo = await startNatter();
  for (const p of ['/dark', '/light', '/ar']) {
    const a = await seed(natter.origin, url(p), { text: 'A first comment', name: 'Rana' });
    await seed(natter.origin, url(p), { text: 'A reply to it', name: 'Omar', parent: a.comment.id });
  }
  const a = await seed(demo.origin, demo.origin + '/', {
    text: 'We ran our **tenants’ panel** this way for two years. It took time, but people stayed.',
    name: 'Priya', website: 'https://priya.example.org',
  });
  await seed(demo.origin, demo.origin + '/', { text: 'Did you pay people for their time?', name: 'Sam', parent: a.comment.id });
  await seed(demo.origin, demo.origin + '/', { text: 'Plain-language papers made the biggest difference for us.' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await demo?.stop();
  await pages?.close();
});

const rootStyle = (page) => page.evaluate(() => {
  const root = document.getElementById('natter').shadowRoot.querySelector('.n');
  const s = getComputedStyle(root);
  const field = getComputedStyle(root.querySelector('textarea'));
  return { bg: s.backgroundColor, fg: s.color, field: field.backgroundColor, dir: s.direction };
});

test('the dark theme paints light text on a dark background', async () => {
  const page = await openThread(browser, url('/dark'));
  const dark = await rootStyle(page);
  assert.ok(luminance(dark.bg) < 0.05, dark.bg);
  assert.ok(luminance(dark.fg) > 0.7, dark.fg);
  assert.ok(luminance(dark.field) < 0.05, dark.field);
  await page.close();
  // The light theme leaves the background to the host page.
  const lightPage = await openThread(browser, url('/light'));
  const light = await rootStyle(lightPage);
  assert.equal(light.bg, 'rgba(0, 0, 0, 0)');
  assert.ok(luminance(light.fg) < 0.05, light.fg);
  await lightPage.close();
});

test('auto follows the reader\'s colour scheme', async () => {
  const page = await browser.newPage({ colorScheme: 'dark' });
  await page.goto(url('/light'));
  await page.evaluate(() => window.natter.mount(document.getElementById('natter'), { theme: 'auto' }));
  await page.locator('#natter h2').waitFor();
  assert.ok(luminance((await rootStyle(page)).bg) < 0.05);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForFunction(() => document.getElementById('natter').shadowRoot.querySelector('.n-light'));
  assert.equal((await rootStyle(page)).bg, 'rgba(0, 0, 0, 0)');
  await page.close();
});

test('Arabic is right to left, translated, and indents replies from the right', async () => {
  const page = await openThread(browser, url('/ar'));
  const w = page.locator('#natter');
  assert.equal(await w.locator('.n').getAttribute('dir'), 'rtl');
  assert.equal(await w.locator('.n').getAttribute('lang'), 'ar');
  assert.equal((await rootStyle(page)).dir, 'rtl');
  assert.equal(await w.locator('h2').innerText(), 'تعليقان');
  assert.equal(await w.getByRole('button', { name: 'انشر التعليق' }).count(), 1);
  const box = async (text) => w.locator('article', { hasText: text }).boundingBox();
  const parent = await box('A first comment');
  const reply = await box('A reply to it');
  assert.ok(reply.x + reply.width < parent.x + parent.width - 10, 'the reply is indented from the right edge');
  assert.ok(Math.abs(reply.x - parent.x) < 2, 'both reach the left edge');
  await page.close();
});

for (const theme of ['light', 'dark']) {
  test(`axe finds no WCAG 2.2 A/AA problem on the demo page (${theme})`, async () => {
    // The demo page's policy forbids inline scripts, axe's own included:
    // only the injected checker is let past it (demo-csp.test.mjs checks the page under it).
    const page = await openThread(browser, `${demo.origin}/?theme=${theme}`, '#natter', { bypassCSP: true });
    const w = page.locator('#natter');
    await w.locator('article').first().waitFor();
    // An open reply form with an error on show, and a main form error too.
    await w.locator('article', { hasText: 'tenants' }).getByRole('button', { name: 'Reply' }).click();
    const reply = w.getByRole('form', { name: 'Reply to Priya' });
    await reply.getByRole('button', { name: 'Post comment' }).click();
    await reply.locator('.n-f-text .n-err:not([hidden])').waitFor();
    await typeIn(w.getByRole('form', { name: 'Leave a comment' }).getByLabel('Website (optional)'), 'ftp://nope');
    await w.getByRole('form', { name: 'Leave a comment' }).getByRole('button', { name: 'Post comment' }).click();
    // Counts on the page are filled too.
    await page.waitForFunction(() => document.querySelector('[data-natter-count]').textContent !== 'Comments');
    const violations = await axe(page);
    assert.deepEqual(violations, []);
    await page.close();
  });
}
