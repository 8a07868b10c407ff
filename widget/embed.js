/* natter's embed script, loaded by the snippet as a classic async script.
 * It finds its server from its own src, mounts a thread into `#natter` and
 * every `[data-natter]` element, fills `[data-natter-count]` elements, and
 * offers `window.natter.mount(el, opts)` / `unmount(el)` to single-page apps.
 * The rest of the widget is ES modules beside it, loaded when needed. */
(() => {
  'use strict';
  // (window.natter alone may be the #natter element itself: named access.)
  if (window.natter && window.natter.mount) return;
  const me = document.currentScript || document.querySelector('script[src*="/embed.js"]');
  const base = new URL('.', me ? me.src : location.href).href;
  const load = (name) => import(base + 'js/' + name + '.js');
  const mounted = new Map();
  let modules;

  function unmount(el) {
    const m = mounted.get(el);
    if (m) m.stop();
    mounted.delete(el);
  }

  /** Renders a thread into `el`; `opts` override its data-* options:
   *  pageId, pageUrl, title, lang, theme (light|dark|auto), sort. */
  function mount(el, opts) {
    unmount(el);
    const d = el.dataset;
    const o = {
      pageId: d.pageId, pageUrl: d.pageUrl || location.href, title: d.title || document.title, lang: d.lang,
      theme: d.theme, sort: d.sort || 'oldest', ...opts,
    };
    // The thread's data is asked for, and read, now, while the modules load
    // (api.js takes it as {r: Response, data}).
    const q = new URLSearchParams({ url: o.pageUrl });
    if (o.pageId) q.set('page_id', o.pageId);
    const get = (what) => fetch(base + 'api/' + what + '?' + q, { credentials: 'omit' })
      .then((r) => r.json().catch(() => ({})).then((data) => ({ r, data })));
    o.pre = { config: get('config') };
    q.set('sort', o.sort);
    o.pre.comments = get('comments');
    for (const p in o.pre) o.pre[p].catch(() => {});
    if (!modules) {
      // All modules at once, rather than thread.js finding its imports one by
      // one; the styles too, which the shadow root will link to.
      modules = Promise.all(['thread', 'api', 'i18n', 'view', 'form'].map(load));
      // Intl's first number formatter costs ~15 ms; pay it while we wait.
      new Intl.NumberFormat();
      document.head.append(Object.assign(document.createElement('link'), { rel: 'preload', as: 'style', href: base + 'embed.css' }));
    }
    const m = { stop() { m.gone = true; } };
    mounted.set(el, m);
    modules.then(
      ([t]) => m.gone || (m.stop = t.mount(el, base, o)),
      () => m.gone || (el.textContent = 'The comments could not be loaded.'),
    );
  }

  /** Replaces the text of each `[data-natter-count]` under `root` with its
   *  localized comment count, all from one request. */
  function counts(root) {
    const els = (root || document).querySelectorAll('[data-natter-count]');
    if (els.length) load('count').then((c) => c.fill(base, els), () => {});
  }

  window.natter = { mount, unmount, counts };

  function start() {
    document.querySelectorAll('#natter, [data-natter]').forEach((el) => mount(el));
    counts();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
