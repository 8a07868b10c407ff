// "Email me new posts" (DESIGN §15): a reader ticks the box and posts; the
// confirmation email's link, opened and pressed as a person does, confirms
// the address; then a new entry in the blog's feed (a file served by the
// test's page server, read by natter every second) arrives as an email. A
// signed-in reader with a provider-verified email is subscribed at once.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, launch, snippet, openThread, typeIn, startSmtp, startSignIn, providerLogin } from './harness.mjs';

let pages, parts, mail, browser;
const url = (path) => pages.origin + path;

// The blog's feed: RSS 2.0, its items newest first.
const posts = [{ title: 'Why we co-produce', path: '/posts/why' }];
const feed = () => ({
  type: 'application/rss+xml; charset=utf-8',
  body: `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test blog</title><link>${url('/')}</link><description>Posts</description>
${posts.map((p, i) => `<item><title>${p.title}</title><link>${url(p.path)}</link><guid>${url(p.path)}</guid>
<pubDate>${new Date(Date.UTC(2026, 0, 1 + i)).toUTCString()}</pubDate></item>`).join('\n')}
</channel></rss>`,
});

before(async () => {
  pages = await startPages({
    '/feed.xml': feed,
    '/guest': (n) => snippet(n),
    '/member': (n) => snippet(n),
    '/none': (n) => snippet(n, ' data-page-id="none"'),
  });
  mail = await startSmtp();
  parts = await startSignIn([
    { id: 'test', origins: [pages.origin], feed: url('/feed.xml'), feedEvery: '1s' },
  ], { mail });
  pages.natter = parts.natter.origin;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await parts?.stop();
  await mail?.stop();
  await pages?.close();
});

/** Ticks "Email me new posts", posts `text`, and resolves with the body of
 *  POST /api/new-posts and the request made. */
async function postWithBox(page, w, text) {
  await typeIn(w.getByLabel('Comment', { exact: true }), text);
  await w.getByLabel('Email me new posts').check();
  const asked = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/new-posts'));
  await w.getByRole('button', { name: 'Post comment' }).click();
  const answer = await asked;
  await w.locator('article', { hasText: text }).waitFor();
  return { body: await answer.json(), request: answer.request(), status: answer.status() };
}

/** Waits until natter has read the feed `n` more times. */
async function polls(n) {
  const want = pages.requests.filter((p) => p === '/feed.xml').length + n;
  for (let i = 0; i < 200 && pages.requests.filter((p) => p === '/feed.xml').length < want; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(pages.requests.filter((p) => p === '/feed.xml').length >= want, 'natter reads the feed every second');
}

test('a guest ticks the box, confirms by the emailed link, and is emailed about a new post', async () => {
  const page = await openThread(browser, url('/guest'));
  const w = page.locator('#natter');
  await typeIn(w.getByLabel('Email (optional)'), 'reader@example.org');
  const { body, request, status } = await postWithBox(page, w, 'Tell me about new posts');
  assert.equal(status, 202);
  assert.equal(body.status, 'confirm', JSON.stringify(body));
  assert.deepEqual(JSON.parse(request.postData()), { url: url('/guest'), email: 'reader@example.org' });
  // The live region says a confirmation email was sent.
  assert.match(await w.getByRole('status').innerText(), /Thank you! Your comment is published\..*click the link in the email we have sent you\./s);

  // The confirmation email, its link opened and its button pressed.
  const confirm = await mail.next((m) => m.to.includes('reader@example.org'));
  const link = /https?:\/\/\S+\/notify\?t=[^\s>)]+/.exec(confirm.text)[0];
  const tab = await browser.newPage();
  await tab.goto(link);
  await tab.getByRole('button').first().click();
  await tab.getByText(/confirmed/i).waitFor();
  await tab.close();

  // natter knows the feed's first post already: no email about it.
  await polls(2);
  const before = mail.mails.length;
  posts.unshift({ title: 'Listening before deciding', path: '/posts/listening' });
  const news = await mail.next((m) => m.to.includes('reader@example.org') && /Listening before deciding/.test(m.subject + m.text));
  assert.match(news.text, new RegExp(url('/posts/listening').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.ok(news.list_unsubscribe, 'a one-click unsubscribe header');
  assert.equal(mail.mails.slice(before).filter((m) => /Why we co-produce/.test(m.subject + m.text)).length, 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a signed-in reader with a verified email is subscribed at once', async () => {
  const page = await openThread(browser, url('/member'));
  const w = page.locator('#natter');
  const popup = page.waitForEvent('popup');
  await w.getByRole('button', { name: 'Sign in with Test ID' }).click();
  await providerLogin(await popup);
  await w.getByText('Signed in as Ann with Test ID', { exact: true }).waitFor();
  const { body, request } = await postWithBox(page, w, 'Ann wants new posts');
  assert.equal(body.status, 'subscribed', JSON.stringify(body));
  assert.match(request.headers().authorization || '', /^Bearer \S+/);
  assert.match(await w.getByRole('status').innerText(), /We will email you about each new post\./);
  await page.close();
});

test('without ticking the box, nothing is asked and nothing is said', async () => {
  const page = await openThread(browser, url('/none'));
  const w = page.locator('#natter');
  let asked = false;
  page.on('request', (r) => { if (r.url().endsWith('/api/new-posts')) asked = true; });
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Just a comment');
  await typeIn(w.getByLabel('Email (optional)'), 'quiet@example.org');
  await w.getByRole('button', { name: 'Post comment' }).click();
  await w.locator('article', { hasText: 'Just a comment' }).waitFor();
  assert.equal(asked, false);
  assert.doesNotMatch(await w.getByRole('status').innerText(), /new post/);
  // Ticked without an address: the email field says what to do.
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Another one');
  await typeIn(w.getByLabel('Email (optional)'), '');
  await w.getByLabel('Email me new posts').check();
  await w.getByRole('button', { name: 'Post comment' }).click();
  await w.getByText('Please give your email address so we can send you emails.').waitFor();
  assert.equal(asked, false);
  await page.close();
});
