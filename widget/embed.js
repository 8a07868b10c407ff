/* natter: the embed script. A classic script (the snippet loads it with
 * `async`); it finds its server from its own src, mounts a thread into every
 * `#natter` or `[data-natter]` element, fills `[data-natter-count]` elements,
 * and exposes `window.natter.mount(el, opts)` / `unmount(el)` for single-page
 * apps. The rest of the widget is ES modules loaded on demand from the same
 * server. */
(() => {
  'use strict';
  if (window.natter && window.natter.base) return;
  const me = document.currentScript || document.querySelector('script[src*="/embed.js"]');
  // Everything (API, modules, CSS, translations) lives beside embed.js.
  const base = new URL('.', me ? me.src : location.href).href;
  const load = (name) => import(base + 'js/' + name + '.js');
  const mounted = new Map();

  function unmount(el) {
    const m = mounted.get(el);
    if (m) m.stop();
    mounted.delete(el);
  }

  /** Renders a thread into `el`; `opts` overrides its data-* options
   *  (pageId, pageUrl, title, lang, theme, sort, live). */
  function mount(el, opts) {
    unmount(el);
    const m = { stop() { m.gone = true; } };
    mounted.set(el, m);
    load('thread').then(
      (t) => {
        if (!m.gone) m.stop = t.mount(el, base, opts || {});
      },
      () => {
        if (!m.gone) el.textContent = 'The comments could not be loaded.';
      },
    );
  }

  /** Replaces the text of every `[data-natter-count]` under `root` with its
   *  localized comment count, in one request. */
  function counts(root) {
    const els = (root || document).querySelectorAll('[data-natter-count]');
    if (els.length) load('count').then((c) => c.fill(base, els), () => {});
  }

  window.natter = { base, mount, unmount, counts };

  function start() {
    document.querySelectorAll('#natter, [data-natter]').forEach((el) => mount(el));
    counts();
    document.dispatchEvent(new CustomEvent('natter:ready'));
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
