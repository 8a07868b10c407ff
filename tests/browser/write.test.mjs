// Writing: post, reply (also past the depth), edit, delete, vote, preview,
// validation, a network failure, the draft through a reload, a double click.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, startNatter, launch, seed, snippet, openThread, api, typeIn, pasteInto } from './harness.mjs';

let pages, natter, browser;
const url = (path) => pages.origin + path;
const thread = async (path) =>
  (await api(natter.origin, 'GET', '/api/comments?url=' + encodeURIComponent(url(path)))).body;
/** The widget's own focused element, inside its shadow root. */
const focused = (page) => page.evaluate(() => {
  const a = document.activeElement.shadowRoot && document.activeElement.shadowRoot.activeElement;
  return a ? { tag: a.tagName, text: a.innerText || a.value || '', name: a.name || '' } : null;
});

before(async () => {
  const routes = {};
  for (const p of ['post', 'reply', 'deep', 'edit', 'delete', 'vote', 'preview', 'invalid', 'offline', 'nocode', 'draft', 'double', 'notify', 'paged', 'editheld']) {
    routes['/' + p] = (n) => snippet(n);
  }
  pages = await startPages(routes);
  natter = await startNatter({ sites: [{ id: 'test', origins: [pages.origin] }], smtp: true, trustLoopback: true });
  pages.natter = natter.origin;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await pages?.close();
});

test('posts a comment: shown at once, focused, counted, and stored', async () => {
  const page = await openThread(browser, url('/post'));
  const w = page.locator('#natter');
  await typeIn(w.getByLabel('Name (optional)'), 'Dana');
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Co-production worked for our *housing* group.');
  await w.getByRole('button', { name: 'Post comment' }).click();
  const mine = w.locator('article', { hasText: 'Co-production worked' });
  await mine.waitFor();
  assert.equal(await mine.locator('em').innerText(), 'housing');
  assert.match(await mine.innerText(), /Dana/);
  assert.equal(await w.locator('h2').innerText(), '1 comment');
  assert.match(await w.locator('[role=status]').innerText(), /Your comment is published/);
  assert.equal((await focused(page)).tag, 'ARTICLE');
  assert.equal(await w.getByLabel('Comment', { exact: true }).inputValue(), '');
  const stored = await thread('/post');
  assert.equal(stored.comments.length, 1);
  assert.equal(stored.comments[0].author.name, 'Dana');
  await page.close();
});

test('replies inline under a comment', async () => {
  const root = await seed(natter.origin, url('/reply'), { text: 'First thoughts', name: 'Ann' });
  const page = await openThread(browser, url('/reply'));
  const w = page.locator('#natter');
  const reply = w.locator('article', { hasText: 'First thoughts' }).getByRole('button', { name: 'Reply' });
  await reply.click();
  // The first action fetches the writing code: wait for its form.
  const form = w.getByRole('form', { name: 'Reply to Ann' });
  await form.waitFor();
  assert.equal(await reply.getAttribute('aria-expanded'), 'true');
  assert.equal((await focused(page)).tag, 'TEXTAREA');
  await typeIn(form.getByLabel('Comment', { exact: true }), 'I agree with Ann');
  await form.getByRole('button', { name: 'Post comment' }).click();
  const nested = w.locator('.n-sub article', { hasText: 'I agree with Ann' });
  await nested.waitFor();
  assert.equal(await form.count(), 0);
  const stored = await thread('/reply');
  assert.equal(stored.comments[0].replies[0].parent, root.comment.id);
  await page.close();
});

test('a reply to a reply past the depth is shown flat, "in reply to" its parent', async () => {
  let parent = null;
  for (let i = 1; i <= 5; i++) {
    parent = (await seed(natter.origin, url('/deep'), { text: `Depth ${i} here`, name: `D${i}`, parent })).comment.id;
  }
  const page = await openThread(browser, url('/deep'));
  const w = page.locator('#natter');
  await w.locator('article', { hasText: 'Depth 5 here' }).getByRole('button', { name: 'Reply' }).click();
  await typeIn(w.getByRole('form', { name: 'Reply to D5' }).getByLabel('Comment', { exact: true }), 'Six levels down');
  await w.getByRole('form', { name: 'Reply to D5' }).getByRole('button', { name: 'Post comment' }).click();
  const six = w.locator('article', { hasText: 'Six levels down' });
  await six.waitFor();
  assert.match(await six.innerText(), /in reply to D5/);
  // Same list as D5, not one level deeper.
  const sameList = await page.evaluate(() => {
    const root = document.getElementById('natter').shadowRoot;
    const arts = [...root.querySelectorAll('article')];
    const d5 = arts.find((a) => a.innerText.includes('Depth 5 here'));
    const d6 = arts.find((a) => a.innerText.includes('Six levels down'));
    return d5.closest('ol') === d6.closest('ol');
  });
  assert.ok(sameList);
  const stored = await thread('/deep');
  let c = stored.comments[0];
  for (let i = 1; i < 6; i++) c = c.replies[0];
  assert.equal(c.parent, parent);
  await page.close();
});

test('an edit the rules hold says it waits for a moderator', async () => {
  const page = await openThread(browser, url('/editheld'));
  const w = page.locator('#natter');
  await typeIn(w.getByLabel('Comment', { exact: true }), 'A plain first comment');
  await w.getByRole('button', { name: 'Post comment' }).click();
  const mine = w.locator('article', { hasText: 'A plain first comment' });
  await mine.waitFor();
  await mine.getByRole('button', { name: 'Edit' }).click();
  const form = w.getByRole('form', { name: 'Edit your comment' });
  // More links than the site allows (2) hold the edited comment.
  await typeIn(form.getByLabel('Comment', { exact: true }),
    'See https://one.example and https://two.example and https://three.example');
  await form.getByRole('button', { name: 'Save' }).click();
  await w.locator('[role=status]', { hasText: 'waiting for a moderator' }).waitFor();
  assert.equal((await thread('/editheld')).comments.length, 0);
  await page.close();
});

test('edits an own comment inside the window, also after a reload', async () => {
  const page = await openThread(browser, url('/edit'));
  const w = page.locator('#natter');
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Teh first draft');
  await w.getByRole('button', { name: 'Post comment' }).click();
  await w.locator('article', { hasText: 'Teh first draft' }).waitFor();
  // The edit token lives in localStorage, so the Edit button survives a reload.
  await page.reload();
  const mine = w.locator('article', { hasText: 'Teh first draft' });
  await mine.getByRole('button', { name: 'Edit' }).click();
  const form = w.getByRole('form', { name: 'Edit your comment' });
  assert.equal(await form.getByLabel('Comment', { exact: true }).inputValue(), 'Teh first draft');
  await typeIn(form.getByLabel('Comment', { exact: true }), 'The first draft, fixed');
  await form.getByRole('button', { name: 'Save' }).click();
  const fixed = w.locator('article', { hasText: 'The first draft, fixed' });
  await fixed.waitFor();
  assert.match(await fixed.innerText(), /\(edited\)/);
  assert.match(await w.locator('[role=status]').innerText(), /updated/);
  const stored = await thread('/edit');
  assert.match(stored.comments[0].html, /The first draft, fixed/);
  assert.ok(stored.comments[0].edited);
  // A comment from someone else has no Edit or Delete button.
  await seed(natter.origin, url('/edit'), { text: 'Not yours' });
  await page.reload();
  const other = w.locator('article', { hasText: 'Not yours' });
  await other.waitFor();
  assert.equal(await other.getByRole('button', { name: 'Edit' }).count(), 0);
  assert.equal(await other.getByRole('button', { name: 'Delete' }).count(), 0);
  await page.close();
});

test('deletes an own comment after asking; one with replies stays as a tombstone', async () => {
  const page = await openThread(browser, url('/delete'));
  const w = page.locator('#natter');
  for (const text of ['Delete me entirely', 'Delete me but keep replies']) {
    await typeIn(w.getByLabel('Comment', { exact: true }), text);
    await w.getByRole('button', { name: 'Post comment' }).click();
    await w.locator('article', { hasText: text }).waitFor();
  }
  const stored = await thread('/delete');
  const keep = stored.comments.find((c) => c.html.includes('keep replies'));
  await seed(natter.origin, url('/delete'), { text: 'A reply that stays', parent: keep.id });
  await page.reload();
  await w.locator('h2', { hasText: '3 comments' }).waitFor();

  const first = w.locator('article', { hasText: 'Delete me entirely' });
  await first.getByRole('button', { name: 'Delete' }).click();
  await first.getByRole('button', { name: 'Keep it' }).click();
  assert.equal(await first.count(), 1);
  await first.getByRole('button', { name: 'Delete' }).click();
  await first.getByRole('button', { name: 'Yes, delete it' }).click();
  await first.waitFor({ state: 'detached' });
  assert.equal(await w.locator('h2').innerText(), '2 comments');
  assert.match(await w.locator('[role=status]').innerText(), /deleted/);

  const second = w.locator('article', { hasText: 'Delete me but keep replies' });
  await second.getByRole('button', { name: 'Delete' }).click();
  await second.getByRole('button', { name: 'Yes, delete it' }).click();
  await w.locator('article', { hasText: 'This comment was deleted.' }).waitFor();
  assert.equal(await w.locator('article', { hasText: 'A reply that stays' }).count(), 1);
  const after = await thread('/delete');
  assert.equal(after.comments.length, 1);
  assert.equal(after.comments[0].status, 'deleted');
  assert.equal(after.comments[0].replies.length, 1);
  await page.close();
});

test('votes once per comment, can take a vote back, and cannot vote for itself', async () => {
  await seed(natter.origin, url('/vote'), { text: 'Vote on this', name: 'Eve' });
  const page = await openThread(browser, url('/vote'));
  const w = page.locator('#natter');
  const art = w.locator('article', { hasText: 'Vote on this' });
  const like = art.getByRole('button', { name: /^Like/ });
  const dislike = art.getByRole('button', { name: /^Dislike/ });
  await like.click();
  await art.locator('button[aria-pressed=true]').waitFor();
  assert.equal(await like.innerText(), 'Like 1');
  await dislike.click();
  await page.waitForFunction(() => document.getElementById('natter').shadowRoot
    .querySelector('[name=vote][value="-1"]').getAttribute('aria-pressed') === 'true');
  assert.equal(await like.innerText(), 'Like 0');
  assert.equal(await dislike.innerText(), 'Dislike 1');
  await dislike.click();
  await page.waitForFunction(() => !document.getElementById('natter').shadowRoot.querySelector('[aria-pressed=true]'));
  assert.equal(await dislike.innerText(), 'Dislike 0');
  // The vote is remembered in this browser.
  await like.click();
  await art.locator('button[aria-pressed=true]').waitFor();
  await page.reload();
  assert.equal(await art.getByRole('button', { name: /^Like/ }).getAttribute('aria-pressed'), 'true');
  const stored = await thread('/vote');
  assert.equal(stored.comments[0].likes, 1);
  // Own comments show their counts but no vote buttons.
  await typeIn(w.getByLabel('Comment', { exact: true }), 'My own words');
  await w.getByRole('button', { name: 'Post comment' }).click();
  const own = w.locator('article', { hasText: 'My own words' });
  await own.waitFor();
  assert.equal(await own.getByRole('button', { name: /Like/ }).count(), 0);
  await page.close();
});

test('previews the Markdown as the server will render it', async () => {
  const page = await openThread(browser, url('/preview'));
  const w = page.locator('#natter');
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Some **bold** words and a [link](https://example.org)');
  await w.getByRole('button', { name: 'Preview' }).click();
  const box = w.locator('.n-prev');
  await box.locator('strong').waitFor();
  assert.equal(await box.locator('strong').innerText(), 'bold');
  assert.match(await box.locator('a').getAttribute('rel'), /nofollow ugc noopener/);
  assert.equal(await w.getByLabel('Comment', { exact: true }).isVisible(), false);
  await w.getByRole('button', { name: 'Keep writing' }).click();
  assert.equal(await w.getByLabel('Comment', { exact: true }).inputValue(), 'Some **bold** words and a [link](https://example.org)');
  assert.equal((await focused(page)).tag, 'TEXTAREA');
  assert.equal((await thread('/preview')).comments.length, 0);
  await page.close();
});

test('validation messages appear beside the field that caused them', async () => {
  const page = await openThread(browser, url('/invalid'));
  const w = page.locator('#natter');
  const text = w.getByLabel('Comment', { exact: true });
  await w.getByRole('button', { name: 'Post comment' }).click();
  const textErr = w.locator('.n-f-text .n-err');
  await w.locator('.n-f-text .n-err:not([hidden])').waitFor();
  assert.equal(await text.getAttribute('aria-invalid'), 'true');
  assert.equal(await textErr.innerText(), 'Please write your comment first.');
  assert.match(await text.getAttribute('aria-describedby'), new RegExp(await textErr.getAttribute('id')));
  assert.equal((await focused(page)).tag, 'TEXTAREA');

  await typeIn(text, 'This text must survive');
  const site = w.getByLabel('Website (optional)');
  await typeIn(site, 'ftp://files.example.org');
  await w.getByRole('button', { name: 'Post comment' }).click();
  assert.equal(await text.getAttribute('aria-invalid'), 'false');
  assert.equal(await site.getAttribute('aria-invalid'), 'true');
  assert.match(await w.locator('.n-f-website .n-err').innerText(), /https:\/\//);
  // Too long for the site's limit (checked before sending, counted in characters).
  await typeIn(site, '');
  await pasteInto(text, 'é'.repeat(10001));
  await w.getByRole('button', { name: 'Post comment' }).click();
  assert.match(await textErr.innerText(), /10,000 characters at most/);
  await typeIn(text, 'This text must survive');
  // A mistake only the server catches is shown beside its field too.
  const email = w.getByLabel('Email (optional)');
  await typeIn(email, 'someone@localhost');
  await w.getByRole('button', { name: 'Post comment' }).click();
  await w.locator('.n-f-email .n-err:not([hidden])').waitFor();
  assert.equal(await email.getAttribute('aria-invalid'), 'true');
  assert.equal(await text.inputValue(), 'This text must survive');
  assert.equal((await thread('/invalid')).comments.length, 0);
  await page.close();
});

test('a network failure says so and keeps the text; trying again works', async () => {
  const page = await openThread(browser, url('/offline'));
  const w = page.locator('#natter');
  await page.route('**/api/comments?**', (route) =>
    route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue());
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Written on a train');
  await w.getByRole('button', { name: 'Post comment' }).click();
  const alert = w.locator('form [role=alert]');
  await page.waitForFunction(() => document.getElementById('natter').shadowRoot.querySelector('form [role=alert]').textContent);
  assert.match(await alert.innerText(), /could not reach the comment server/);
  assert.equal(await w.getByLabel('Comment', { exact: true }).inputValue(), 'Written on a train');
  await page.unroute('**/api/comments?**');
  await w.getByRole('button', { name: 'Post comment' }).click();
  await w.locator('article', { hasText: 'Written on a train' }).waitFor();
  assert.equal(await alert.innerText(), '');
  await page.close();
});

test('if the code for writing cannot be fetched, the form says so and keeps the text; trying again works', async () => {
  const page = await browser.newPage();
  await page.route('**/js/write.js', (route) => route.abort('internetdisconnected'));
  await page.goto(url('/nocode'));
  const w = page.locator('#natter');
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Written in a tunnel');
  await w.getByRole('button', { name: 'Post comment' }).click();
  const alert = w.locator('form [role=alert]');
  await page.waitForFunction(() => document.getElementById('natter').shadowRoot.querySelector('form [role=alert]').textContent);
  assert.match(await alert.innerText(), /could not reach the comment server/);
  assert.equal(await w.getByLabel('Comment', { exact: true }).inputValue(), 'Written in a tunnel');
  await page.unroute('**/js/write.js');
  await w.getByRole('button', { name: 'Post comment' }).click();
  await w.locator('article', { hasText: 'Written in a tunnel' }).waitFor();
  await page.close();
});

test('keeps a draft through a reload, and forgets it once posted', async () => {
  const page = await openThread(browser, url('/draft'));
  const w = page.locator('#natter');
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Half a thought');
  await typeIn(w.getByLabel('Name (optional)'), 'Finn');
  await page.reload();
  assert.equal(await w.getByLabel('Comment', { exact: true }).inputValue(), 'Half a thought');
  // A reply has its own draft.
  await w.getByRole('button', { name: 'Post comment' }).click();
  await w.locator('article', { hasText: 'Half a thought' }).waitFor();
  await page.reload();
  await w.locator('article', { hasText: 'Half a thought' }).waitFor();
  assert.equal(await w.getByLabel('Comment', { exact: true }).inputValue(), '');
  assert.equal(await w.getByLabel('Name (optional)').inputValue(), 'Finn');
  await page.close();
});

test('a double click posts once', async () => {
  const page = await openThread(browser, url('/double'));
  const w = page.locator('#natter');
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Only once, please');
  await w.getByRole('button', { name: 'Post comment' }).dblclick();
  await w.locator('article', { hasText: 'Only once, please' }).waitFor();
  await page.waitForTimeout(500);
  assert.equal(await w.locator('article').count(), 1);
  assert.equal(await w.locator('form [role=alert]').innerText(), '');
  assert.equal((await thread('/double')).comments.length, 1);
  await page.close();
});

test('with email on, offers the notify boxes, which need an email address', async () => {
  const page = await openThread(browser, url('/notify'));
  const w = page.locator('#natter');
  const replies = w.getByLabel('Email me when someone replies to me');
  await w.getByLabel('Email me about new comments on this page').waitFor();
  assert.match(await w.locator('.n-f-email .n-hint').innerText(), /Not shown publicly\. Used only to send you the emails/);
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Tell me about replies');
  await replies.check();
  await w.getByRole('button', { name: 'Post comment' }).click();
  await w.locator('.n-f-email .n-err:not([hidden])').waitFor();
  assert.equal(await w.locator('.n-f-email .n-err').innerText(), 'Please give your email address so we can send you emails.');
  await typeIn(w.getByLabel('Email (optional)'), 'reader@example.org');
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/api/comments?'));
  await w.getByRole('button', { name: 'Post comment' }).click();
  const body = JSON.parse((await sent).postData());
  assert.deepEqual(body.notify, { replies: true, thread: false });
  assert.equal(body.email, 'reader@example.org');
  await w.locator('article', { hasText: 'Tell me about replies' }).waitFor();
  // The email is never shown.
  assert.doesNotMatch(await w.locator('article', { hasText: 'Tell me about replies' }).innerText(), /reader@example/);
  await page.close();
});

test('a new comment is shown once, also after "Show more comments" loads the page that holds it', async () => {
  for (let i = 1; i <= 52; i++) await seed(natter.origin, url('/paged'), { text: `Earlier comment ${i}`, name: `E${i}` });
  const page = await openThread(browser, url('/paged'));
  const w = page.locator('#natter');
  assert.equal(await w.locator('article').count(), 50);
  await typeIn(w.getByLabel('Comment', { exact: true }), 'Mine, on the second page');
  await w.getByRole('button', { name: 'Post comment' }).click();
  const mine = w.locator('article', { hasText: 'Mine, on the second page' });
  await mine.waitFor();
  const id = await mine.getAttribute('id');
  await w.getByRole('button', { name: 'Show more comments' }).click();
  await w.locator('article', { hasText: 'Earlier comment 52' }).waitFor();
  assert.equal(await w.locator(`article[id="${id}"]`).count(), 1);
  assert.equal(await w.locator('article').count(), 53);
  assert.equal(await w.locator('h2').innerText(), '53 comments');
  // Focus goes to the first comment that was added.
  assert.match((await focused(page)).text, /Earlier comment 51/);
  assert.deepEqual(page.errors, []);
  await page.close();
});
