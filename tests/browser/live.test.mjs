// Live threads (js/live.js on GET /api/events): another reader's comment
// waits behind "1 new comment: show" within a second, announced politely,
// without moving the page; showing it (mouse, or Tab and Enter) focuses it;
// edits and deletions happen in place; a dropped stream comes back with
// what it missed; held comments stay out until approved; data-live="false"
// opens no stream; hostile text stays text.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, startNatter, launch, seed, snippet, openThread, typeIn } from './harness.mjs';

const PASSWORD = 'correct horse battery staple';
let pages, strict, natter, browser;
const url = (path) => pages.origin + path;

before(async () => {
  const paths = ['/live', '/keys', '/edits', '/drop', '/hostile', '/long'];
  pages = await startPages({
    ...Object.fromEntries(paths.map((p) => [p, (n) => snippet(n)])),
    '/off': (n) => snippet(n, ' data-live="false"'),
    '/spa': (n) => `<div id="app"></div><script src="${n}/embed.js" async></script>`,
  });
  strict = await startPages({ '/held': (n) => snippet(n) });
  natter = await startNatter({
    sites: [{ id: 'test', origins: [pages.origin] }, { id: 'strict', origins: [strict.origin], moderation: 'all' }],
    trustLoopback: true,
    adminPassword: PASSWORD,
    more: ['[limits]', 'live_heartbeat = "1s"'],
  });
  pages.natter = strict.natter = natter.origin;
  for (const p of [...paths, '/off']) await seed(natter.origin, url(p), { text: `Already here on ${p}`, name: 'Ann' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await pages?.close();
  await strict?.close();
});

/** Opens `address` and waits until its live stream has said it is ready. */
async function openLive(address) {
  const page = await browser.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  page.streams = [];
  page.on('request', (r) => r.url().includes('/api/events?') && page.streams.push(r));
  const ready = page.waitForResponse((r) => r.url().includes('/api/events?') && r.status() === 200);
  await page.goto(address);
  await page.locator('#natter h2').waitFor();
  await ready;
  // (The answer's headers come with its first event, `ready`.)
  return page;
}

/** Calls natter's API as another reader, with a comment's edit token. */
async function other(method, path, body, token) {
  const headers = { 'X-Forwarded-For': '192.0.2.7' };
  if (body) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  const r = await fetch(natter.origin + path, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const post = (path, fields) => other('POST', '/api/comments?url=' + encodeURIComponent(path), { name: 'Bea', ...fields });

/** The element with the focus, inside shadow roots too: its text. */
const focusedText = (page) => page.evaluate(() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a.innerText;
});

test('another reader\'s comment waits behind "1 new comment: show" within a second; showing it focuses it', async () => {
  const page = await openLive(url('/live'));
  const w = page.locator('#natter');
  const t0 = Date.now();
  await post(url('/live'), { text: 'Hello from elsewhere' });
  const show = w.getByRole('button', { name: '1 new comment: show' });
  await show.waitFor({ timeout: 1000 });
  assert.ok(Date.now() - t0 < 1000, `shown after ${Date.now() - t0} ms`);
  // Said in the polite live region, and nothing was put into the thread.
  assert.equal(await w.getByRole('status').innerText(), '1 new comment: show');
  assert.equal(await w.locator('article', { hasText: 'Hello from elsewhere' }).count(), 0);
  assert.equal(await w.locator('h2').innerText(), '1 comment');
  await post(url('/live'), { text: 'And a second one' });
  await w.getByRole('button', { name: '2 new comments: show' }).waitFor({ timeout: 1000 });
  await w.getByRole('button', { name: '2 new comments: show' }).click();
  const first = w.locator('article', { hasText: 'Hello from elsewhere' });
  await first.waitFor();
  assert.match(await focusedText(page), /Hello from elsewhere/);
  assert.equal(await w.locator('h2').innerText(), '3 comments');
  // Oldest first: in the order they were written, after the one there was.
  assert.deepEqual((await w.locator('.n-list .n-body').allInnerTexts()).map((s) => s.trim()),
    ['Already here on /live', 'Hello from elsewhere', 'And a second one']);
  assert.equal(await w.getByRole('button', { name: /new comment/ }).count(), 0);
  // A reply goes under its parent.
  const ann = +(await w.locator('article', { hasText: 'Already here on /live' }).getAttribute('id')).split('-').pop();
  await post(url('/live'), { text: 'Answering Ann', parent: ann });
  await w.getByRole('button', { name: '1 new comment: show' }).click();
  await w.locator('.n-sub article', { hasText: 'Answering Ann' }).waitFor();
  assert.match(await focusedText(page), /Answering Ann/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the reader\'s own comment is not "new", and a new one does not move what the reader is reading', async () => {
  for (let i = 1; i <= 8; i++) await seed(natter.origin, url('/long'), { text: `A long comment ${i}\n\n${'Words to read. '.repeat(40)}`, name: `L${i}` });
  const page = await openLive(url('/long'));
  const w = page.locator('#natter');
  await typeIn(w.getByLabel('Comment', { exact: true }), 'My own words');
  await w.getByRole('button', { name: 'Post comment' }).click();
  await w.locator('article', { hasText: 'My own words' }).waitFor();
  await page.waitForTimeout(800);
  assert.equal(await w.getByRole('button', { name: /new comment/ }).count(), 0, 'the own comment is not counted');
  // Reading comment 5, in the middle of the screen.
  const reading = w.locator('article', { hasText: 'A long comment 5' });
  await reading.evaluate((a) => a.scrollIntoView({ block: 'center' }));
  const at = () => reading.evaluate((a) => a.getBoundingClientRect().top);
  const before = await at();
  await post(url('/long'), { text: 'Meanwhile, elsewhere' });
  await w.getByRole('button', { name: '1 new comment: show' }).waitFor({ timeout: 1000 });
  assert.ok(Math.abs((await at()) - before) < 1, 'the comment being read stayed where it was');
  await page.close();
});

test('by keyboard alone: Tab to the button, Enter shows the new comment and focuses it', async () => {
  const page = await openLive(url('/keys'));
  const w = page.locator('#natter');
  await post(url('/keys'), { text: 'Typed elsewhere' });
  const show = w.getByRole('button', { name: '1 new comment: show' });
  await show.waitFor({ timeout: 1000 });
  const on = () => show.evaluate((b) => b.getRootNode().activeElement === b);
  for (let i = 0; i < 30 && !(await on()); i++) await page.keyboard.press('Tab');
  assert.ok(await on(), 'Tab reached the button');
  await page.keyboard.press('Enter');
  await w.locator('article', { hasText: 'Typed elsewhere' }).waitFor();
  assert.match(await focusedText(page), /Typed elsewhere/);
  // Tab goes on from the new comment into its buttons.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.shadowRoot.activeElement.closest('article').innerText.includes('Typed elsewhere')), true);
  await page.close();
});

test('an edit and a deletion by the other reader change the one comment in place', async () => {
  const parent = await post(url('/edits'), { text: 'Will have a reply' });
  await post(url('/edits'), { text: 'The reply', parent: parent.comment.id });
  const lone = await post(url('/edits'), { text: 'Will be edited' });
  const page = await openLive(url('/edits'));
  const w = page.locator('#natter');
  const art = await w.locator('article', { hasText: 'Will be edited' }).elementHandle();
  // The reader's focus on that comment's Like button stays there.
  const like = w.locator('article', { hasText: 'Will be edited' }).getByRole('button', { name: 'Like 0', exact: true });
  await like.focus();
  const list = await w.locator('.n-list').first().elementHandle();
  await list.evaluate((l) => { l.dataset.mark = 'same list'; });
  await other('PATCH', `/api/comments/${lone.comment.id}`, { text: 'Now *changed*' }, lone.edit_token);
  await w.locator('article', { hasText: 'Now changed' }).waitFor({ timeout: 2000 });
  assert.equal(await art.evaluate((a) => a.isConnected && a.querySelector('em').textContent), 'changed', 'the same <article>, changed');
  assert.match(await art.evaluate((a) => a.innerText), /\(edited\)/);
  assert.equal(await list.evaluate((l) => l.isConnected && l.dataset.mark), 'same list', 'the list was not painted again');
  assert.equal(await page.evaluate(() => document.activeElement.shadowRoot.activeElement.getAttribute('name')), 'vote');
  assert.match(await focusedText(page), /^Like 0$/);
  // Deleted: without replies it goes; with replies it stays as a tombstone.
  await other('DELETE', `/api/comments/${lone.comment.id}`, null, lone.edit_token);
  await art.evaluate((a) => new Promise((r) => { const t = setInterval(() => { if (!a.isConnected) { clearInterval(t); r(); } }, 20); }));
  await other('DELETE', `/api/comments/${parent.comment.id}`, null, parent.edit_token);
  const gone = w.locator(`#natter-comment-${parent.comment.id}`);
  await gone.getByText('This comment was deleted.').waitFor({ timeout: 2000 });
  assert.equal(await w.locator('.n-sub article', { hasText: 'The reply' }).count(), 1);
  assert.equal(await w.locator('h2').innerText(), '2 comments');
  assert.equal(await w.getByRole('button', { name: /new comment/ }).count(), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a stream dropped by natter stopping comes back and gets what was posted meanwhile', async () => {
  const page = await openLive(url('/drop'));
  const w = page.locator('#natter');
  const before = page.streams.length;
  await natter.restart();
  // Posted before the browser is back (it retries every 3 s).
  await post(url('/drop'), { text: 'Posted while you were away' });
  const again = page.streams.length;
  await w.getByRole('button', { name: '1 new comment: show' }).waitFor({ timeout: 15000 });
  assert.ok(again === before, 'the comment was posted before the stream was opened again');
  // It resumed where it was: EventSource's own Last-Event-ID, or the
  // widget's `since` of the last event it had.
  const since = (r) => new URL(r.url()).searchParams.get('since');
  const back = page.streams.at(-1);
  const sent = await back.allHeaders();
  assert.ok(sent['last-event-id'] || since(back) != since(page.streams[0]), 'it resumed where it was: ' + JSON.stringify([page.streams.map((r) => r.url()), sent]));
  await w.getByRole('button', { name: '1 new comment: show' }).click();
  await w.locator('article', { hasText: 'Posted while you were away' }).waitFor();
  await page.close();
});

/** Approves every held comment, as a moderator does (the admin API). */
async function approveAll() {
  const login = await fetch(natter.origin + '/admin/api/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await login.json();
  const held = await (await fetch(natter.origin + '/admin/api/comments?status=pending', { headers: { cookie } })).json();
  const ids = held.comments.map((c) => c.id);
  const r = await fetch(natter.origin + '/admin/api/comments/bulk', {
    method: 'POST', headers: { cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ ids, action: 'approve' }),
  });
  assert.equal(r.status, 200);
  return ids.length;
}

test('a held comment never appears until a moderator approves it; the reader\'s own held one is then published in place', async () => {
  const page = await openLive(strict.origin + '/held');
  const w = page.locator('#natter');
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Mine, held');
  await w.getByRole('button', { name: 'Post comment' }).click();
  const mine = w.locator('article', { hasText: 'Mine, held' });
  await mine.getByText('Waiting for approval').waitFor();
  const r = await fetch(natter.origin + '/api/comments?url=' + encodeURIComponent(strict.origin + '/held'), {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '192.0.2.8' }, body: JSON.stringify({ text: 'Held from elsewhere', name: 'Cy' }),
  });
  assert.equal(r.status, 202);
  await page.waitForTimeout(1500);
  assert.equal(await w.getByRole('button', { name: /new comment/ }).count(), 0, 'nothing new while it is held');
  assert.equal(await w.locator('article', { hasText: 'Held from elsewhere' }).count(), 0);
  const handle = await mine.elementHandle();
  assert.equal(await approveAll(), 2);
  await w.getByRole('button', { name: '1 new comment: show' }).waitFor({ timeout: 2000 });
  await mine.getByRole('button', { name: 'Reply' }).waitFor({ timeout: 2000 });
  assert.equal(await mine.getByText('Waiting for approval').count(), 0);
  assert.equal(await handle.evaluate((a) => a.isConnected), true, 'the own comment changed in place');
  await w.getByRole('button', { name: '1 new comment: show' }).click();
  await w.locator('article', { hasText: 'Held from elsewhere' }).waitFor();
  assert.equal(await w.locator('h2').innerText(), '2 comments');
  await page.close();
});

test('data-live="false" opens no stream', async () => {
  const page = await browser.newPage();
  const asked = [];
  page.on('request', (r) => asked.push(r.url()));
  await page.goto(url('/off'));
  const w = page.locator('#natter');
  await w.locator('article').first().waitFor();
  await post(url('/off'), { text: 'Nobody is told' });
  await page.waitForTimeout(1500);
  assert.deepEqual(asked.filter((u) => /api\/events|live\.js/.test(u)), []);
  assert.equal(await w.getByRole('button', { name: /new comment/ }).count(), 0);
  await page.close();
});

test('hostile text in a live comment is inert, new or edited', async () => {
  const page = await openLive(url('/hostile'));
  const w = page.locator('#natter');
  const nasty = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script> [x](javascript:window.pwned=3) <b onmouseover="window.pwned=4">bold</b>';
  const c = await post(url('/hostile'), { text: nasty, name: '<img src=x onerror="window.pwned=5">' });
  await w.getByRole('button', { name: '1 new comment: show' }).click();
  const art = w.locator(`#natter-comment-${c.comment.id}`);
  await art.waitFor();
  await other('PATCH', `/api/comments/${c.comment.id}`, { text: nasty + ' again' }, c.edit_token);
  await art.getByText('(edited)').waitFor({ timeout: 2000 });
  await art.hover();
  await art.locator('a').first().hover().catch(() => {});
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await art.locator('img:not(.n-av), script, [onerror], [onmouseover], a[href^="javascript"]').count(), 0);
  assert.match(await art.locator('.n-author').innerText(), /<img src=x/);
  await page.close();
});

test('natter.unmount closes the stream', async () => {
  const page = await browser.newPage();
  await page.goto(url('/spa'));
  await page.waitForFunction(() => window.natter && window.natter.mount);
  const opened = page.waitForResponse((r) => r.url().includes('/api/events?') && r.status() === 200);
  await page.evaluate((u) => window.natter.mount(document.getElementById('app'), { pageUrl: u }), url('/live'));
  const stream = (await opened).request();
  const ended = new Promise((ok) => {
    page.on('requestfailed', (r) => r === stream && ok('failed'));
    page.on('requestfinished', (r) => r === stream && ok('finished'));
  });
  await page.waitForTimeout(300);
  await page.evaluate(() => window.natter.unmount(document.getElementById('app')));
  assert.ok(await Promise.race([ended, new Promise((r) => setTimeout(() => r(false), 3000))]), 'the stream ended');
  await page.close();
});
