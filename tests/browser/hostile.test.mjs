// The hostile inputs of the server's render table, posted through the API and
// rendered by the widget: no script may run, and nothing executable may reach
// the shadow DOM.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPages, startNatter, launch, snippet, openThread, api } from './harness.mjs';

// The same table as src/render/tests.rs; alert(1) becomes a trap we can read.
const HOSTILE = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<scr<script>ipt>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<body onload=alert(1)>',
  '<div onmouseover="alert(1)">hover</div>',
  '<a href="javascript:alert(1)">x</a>',
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x](  javascript:alert(1))',
  '[x](java\tscript:alert(1))',
  '[x](&#106;avascript:alert(1))',
  '[x](&#x6A;avascript:alert(1))',
  '[x](javascript&#58;alert(1))',
  '[x](%6Aavascript:alert(1))',
  '[x](javascript%3Aalert(1))',
  '[x](\\javascript:alert(1))',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](data:text/html,<script>alert(1)</script>)',
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml,<svg onload=alert(1)>)',
  '![pixel](https://tracker.example/p.gif)',
  '<svg><script>alert(1)</script></svg>',
  '<svg onload=alert(1)>',
  '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<math href="javascript:alert(1)">x</math>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<input onfocus=alert(1) autofocus>',
  "<style>@import 'javascript:alert(1)';</style>",
  '<p style="background:url(javascript:alert(1))">x</p>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  '[x][ref]\n\n[ref]: javascript:alert(1)',
  '[x][ref]\n\n[ref]: data:text/html,<script>alert(1)</script>',
  '<javascript:alert(1)>',
  '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
  '[x](https://ok.example "title" onclick=alert(1))',
  '[x](https://ok.example" onclick="alert(1))',
  '`<script>alert(1)</script>`',
  '```html\n<script>alert(1)</script>\n```',
  '<details open ontoggle=alert(1)>',
  '<video><source onerror=alert(1)></video>',
  '<a href="//evil.example">protocol-relative</a>',
  '[rel](/relative/path)',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<template><script>alert(1)</script></template>',
  '<xmp><script>alert(1)</script></xmp>',
  '<isindex action=javascript:alert(1) type=image>',
].map((s) => s.replaceAll('alert(1)', 'window.__pwned=1'));

const NAMES = ['<img src=x onerror=window.__pwned=1>', '"><script>window.__pwned=1</script>', '<b>bold</b>'];

let pages, natter, browser;
const pageUrl = () => pages.origin + '/hostile';

before(async () => {
  pages = await startPages({ '/hostile': (n) => snippet(n) });
  natter = await startNatter({ sites: [{ id: 'test', origins: [pages.origin] }] });
  pages.natter = natter.origin;
  const post = (body) => api(natter.origin, 'POST', '/api/comments?url=' + encodeURIComponent(pageUrl()), body);
  for (const [i, text] of HOSTILE.entries()) {
    const r = await post({ text: `#${i} ${text}`, name: NAMES[i % NAMES.length] });
    assert.ok(r.status === 201 || r.status === 202, `${text}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  // A website that is not http(s) is refused; the name still shows as text.
  const bad = await post({ text: 'website test', website: 'javascript:window.__pwned=1' });
  assert.equal(bad.status, 400);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await natter?.stop();
  await pages?.close();
});

test('hostile comments render as harmless text and links, running no script', async () => {
  const page = await browser.newPage();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.addInitScript(() => { window.__pwned = undefined; });
  await page.goto(pageUrl());
  await page.locator('#natter h2').waitFor();
  const w = page.locator('#natter');
  await w.locator('article').first().waitFor();
  await w.getByRole('button', { name: 'Show more comments' }).click();
  await w.locator('article', { hasText: `#${HOSTILE.length - 1} ` }).waitFor();
  const shown = await w.locator('article').count();
  assert.ok(shown >= HOSTILE.length - 2, `only ${shown} comments were rendered`);
  // Give handlers a chance to fire: hover, focus and toggle whatever is there.
  for (const el of await w.locator('.n-body *').all()) await el.hover({ timeout: 500 }).catch(() => {});
  await page.keyboard.press('Tab');
  await page.waitForTimeout(300);

  const found = await page.evaluate((natterOrigin) => {
    const root = document.getElementById('natter').shadowRoot;
    const bad = [];
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'SCRIPT') bad.push('script element');
      for (const a of el.attributes) if (/^on/i.test(a.name)) bad.push(`${el.tagName} ${a.name}`);
    }
    const ok = new Set(['P', 'BR', 'EM', 'STRONG', 'DEL', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'A', 'HR']);
    for (const el of root.querySelectorAll('.n-body *')) {
      if (!ok.has(el.tagName)) bad.push('tag ' + el.tagName);
      for (const a of el.attributes) {
        if (!['href', 'rel', 'start'].includes(a.name)) bad.push(`attribute ${a.name} on ${el.tagName}`);
      }
    }
    for (const a of root.querySelectorAll('a[href]')) {
      if (!/^(https?:|mailto:)/i.test(a.getAttribute('href'))) bad.push('href ' + a.getAttribute('href'));
      // Links written by readers are marked; the widget's own (the feed) lead to natter.
      const own = !a.closest('article') && a.href.startsWith(natterOrigin + '/');
      if (!own && (!/nofollow/.test(a.rel) || !/ugc/.test(a.rel) || !/noopener/.test(a.rel))) bad.push('rel ' + a.rel);
    }
    return { bad, pwned: window.__pwned, names: [...root.querySelectorAll('.n-author')].map((e) => e.textContent) };
  }, natter.origin);
  assert.deepEqual(found.bad, []);
  assert.equal(found.pwned, undefined);
  assert.deepEqual(dialogs, []);
  // Names are shown exactly as typed, as text.
  for (const n of NAMES) assert.ok(found.names.includes(n), n);
  await page.close();
});
