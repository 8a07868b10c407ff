/* natter's widget, the snippet's script: README.md beside it is its map. */
(() => {
  'use strict';
  if (window.natter && window.natter.mount) return;
  const me = document.currentScript || document.querySelector('script[src*="/embed.js"]');
  const base = new URL('.', me ? me.src : location.href).href;
  const READER = 'reader:' + new URL(base).origin;

  // English (others are fetched): i18n/en.json, put here as natter serves
  // this file. An object is a plural.
  const en = /*i18n/en.json*/ {};

  const known = ['en', 'de', 'fr', 'es', 'nl', 'pt', 'ar'];
  const units = { year: 31536e3, month: 2592e3, day: 864e2, hour: 3600, minute: 60 };
  const made = {};

  /** The reader's language. */
  function pick(el, wanted) {
    const page = el.closest('[lang]');
    const all = [wanted, page && page.lang, ...navigator.languages].map((l) => l && l.toLowerCase().split('-')[0]);
    return all.find((l) => known.includes(l)) || 'en';
  }

  /** {t, ago, dir} for `lang`, made once. */
  function strings(lang) {
    return (made[lang] ||= (async () => {
      const file = lang != 'en' && (await fetch(base + 'i18n/' + lang + '.json').then((r) => r.json()).catch(() => ({})));
      const s = { ...en, ...file };
      const plural = new Intl.PluralRules(lang);
      // English is written here: a tab's first Intl number or relative-time
      // formatter costs it tens of ms, more than painting the thread.
      let num, rel;
      const n = (x) => (lang == 'en' ? String(x).replace(/\B(?=(\d{3})+$)/g, ',') : (num ||= new Intl.NumberFormat(lang)).format(x));
      const ago = (x, u) => {
        const w = Math.abs(x) + ' ' + u + (x * x > 1 ? 's' : '');
        if (lang != 'en') return (rel ||= new Intl.RelativeTimeFormat(lang, { numeric: 'auto' })).format(x, u);
        if (x * x > 1 || u[0] == 'h' || u[1] == 'i') return x < 0 ? w + ' ago' : 'in ' + w;
        return u == 'day' ? (x < 0 ? 'yesterday' : 'tomorrow') : (x < 0 ? 'last ' : 'next ') + u;
      };
      return {
        dir: lang == 'ar' ? 'rtl' : 'ltr',
        /** `key`'s words, {slots} from `v`. */
        t(key, v = {}) {
          let w = s[key];
          if (w.other) w = w[plural.select(v.n)] || w.other;
          return w.replace(/\{(\w+)\}/g, (_, k) => (k == 'n' ? n(v.n) : v[k]));
        },
        ago(iso) {
          const secs = (Date.parse(iso) - Date.now()) / 1000;
          for (const u in units) if (Math.abs(secs) >= units[u]) return ago(Math.round(secs / units[u]), u);
          return s.now;
        },
      };
    })());
  }

  // API

  /** natter's API for one page. */
  function connect(pageUrl, pageId, signal) {
    const page = new URLSearchParams({ url: pageUrl });
    if (pageId) page.set('page_id', pageId);

    /** The JSON answer, with `held` and `token`; or an Error with `code`,
     *  `field` and `wait`. */
    async function call(method, path, body, token) {
      const headers = {};
      if (body) headers['Content-Type'] = 'application/json';
      if (token) headers.Authorization = 'Bearer ' + token;
      let r, data;
      try {
        r = await fetch(base + 'api/' + path, { method, headers, body: body && JSON.stringify(body), credentials: 'omit', signal });
        data = await r.json().catch(() => ({}));
      } catch (e) {
        if (signal && signal.aborted) throw e;
        data = { error: 'network' };
      }
      if (!r || !r.ok) throw Object.assign(new Error(data.message), { code: data.error || 'internal', field: data.field, wait: r && +r.headers.get('Retry-After') });
      data.held = r.status == 202;
      data.token = r.headers.get('Natter-Form-Token');
      return data;
    }

    function get(what, more) {
      const q = new URLSearchParams(page);
      for (const k in more) if (more[k]) q.set(k, more[k]);
      return call('GET', what + '?' + q);
    }

    return { page, call, get };
  }

  /** localStorage (README.md says what it holds). */
  const store = {
    get(key, empty) {
      try {
        return JSON.parse(localStorage.getItem('natter:' + key)) || empty;
      } catch {
        return empty;
      }
    },
    set(key, value) {
      try {
        if (value) localStorage.setItem('natter:' + key, JSON.stringify(value));
        else localStorage.removeItem('natter:' + key);
      } catch {
        // Blocked or full: forgotten.
      }
    },
    /** Own comments in their edit window, by id. */
    own() {
      const all = store.get('own', {});
      for (const id in all) if (!(Date.parse(all[id].until) > Date.now())) delete all[id];
      return all;
    },
  };

  // DOM

  /** createElement; null and false are left out. */
  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const k in attrs) {
      const v = attrs[k];
      if (k == 'text') e.textContent = v;
      else if (k[0] == 'o' && k[1] == 'n') e[k] = v;
      else if (v != null && v !== false) e.setAttribute(k, v === true ? '' : v);
    }
    for (const k of kids.flat(2)) if (k != null && k !== false) e.append(k);
    return e;
  }

  /** A button that never submits. */
  const btn = (text, attrs) => h('button', { type: 'button', part: 'button', ...attrs }, text);
  const REL = 'nofollow ugc noopener noreferrer';

  /** A `.n-body` per comment's HTML, checked again in one inert parse. */
  function bodies(htmls) {
    const tpl = h('template');
    tpl.innerHTML = htmls.map((x) => '<div class="n-body" part="body">' + x + '</div>').join('');
    for (const e of tpl.content.querySelectorAll('div *')) {
      if (!/^(P|BR|EM|STRONG|DEL|CODE|PRE|BLOCKQUOTE|UL|OL|LI|A|HR)$/.test(e.tagName)) {
        e.replaceWith(e.textContent);
        continue;
      }
      for (const { name, value } of [...e.attributes]) {
        const keep = name == 'href' ? /^(https?|mailto):/i.test(value) : name == 'start' && /^\d+$/.test(value);
        if (!keep) e.removeAttribute(name);
      }
      if (e.href) e.rel = REL;
    }
    return [...tpl.content.children];
  }

  /** One comment's <article>; `t` is its thread. */
  function comment(c, t, replyTo, body) {
    const { s } = t;
    const a = { class: 'n-c', id: 'natter-comment-' + c.id, part: 'comment' };
    if (c.status == 'deleted') return h('article', a, h('p', { class: 'n-muted n-gone', text: s.t('deleted') }));
    const name = c.author.name || s.t('anon');
    a['aria-label'] = name;
    const site = /^https?:\/\//i.test(c.author.website) && c.author.website;
    const held = c.status == 'pending';
    const mine = t.own[c.id] || (c.by && c.by == t.me);
    // Lazy, and in a first paint only after it (`t.later`).
    const pic = c.author.avatar && h('img', { loading: 'lazy', class: 'n-av', alt: '', part: 'avatar' });
    const src = () => { pic.src = new URL(c.author.avatar, base); };
    if (pic) t.later ? t.later.push(src) : src();
    // The parts most comments share are cloned from ones made once per thread.
    const like = (t.like ||= [
      h('header', { class: 'n-ch' }, h('span', { class: 'n-who' }, h('b', { class: 'n-author', part: 'author' }), h('time', { class: 'n-muted' }))),
      h('div', { class: 'n-acts' }, btn(s.t('reply'), { name: 'reply', 'aria-expanded': 'false' }),
        [1, -1].map((value) => btn('', { name: 'vote', value, 'aria-pressed': 'false' }))),
    ]);
    const head = like[0].cloneNode(true), who = head.firstChild, time = who.lastChild;
    if (pic) head.prepend(pic);
    if (site) who.firstChild.replaceWith(h('a', { class: 'n-author', href: site, rel: REL, part: 'author' }));
    who.firstChild.textContent = name;
    time.dateTime = c.created;
    time.textContent = s.ago(c.created);
    who.append(...[
      c.edited && h('span', { class: 'n-muted', text: s.t('edited') }),
      c.verified && h('span', { class: 'n-ok', text: s.t('verified', c) }),
      ...[held && s.t('pending'), c.badge, c.pinned && s.t('pinned')].map((b) => b && h('strong', { class: 'n-badge', part: 'badge', text: b })),
    ].filter(Boolean));
    if (replyTo != null) time.before(h('span', { class: 'n-muted', text: s.t('inReplyTo', { name: replyTo || s.t('anon') }) }));
    const acts = like[1].cloneNode(true);
    const [reply, up, down] = acts.children;
    if (t.thread.locked || held) reply.remove();
    if (mine || held) {
      up.replaceWith(h('span', { class: 'n-muted', text: `${s.t('like')} ${c.likes} · ${s.t('dislike')} ${c.dislikes}` }));
      down.remove();
    } else {
      up.textContent = s.t('like') + ' ' + c.likes;
      down.textContent = s.t('dislike') + ' ' + c.dislikes;
      (t.votes[c.id] == 1 ? up : down).setAttribute('aria-pressed', String(!!t.votes[c.id]));
    }
    if (mine) acts.append(btn(s.t('edit'), { name: 'edit' }), btn(s.t('del'), { name: 'del' }));
    return h('article', a, head, body, acts);
  }

  /** <li>s nested to the site's depth, deeper flat; no recursion. */
  function tree(list, t) {
    const depth = t.cfg.max_depth || 5;
    const all = [], names = {};
    for (const stack = list.map((c) => [c, 1]).reverse(); stack.length;) {
      const [c, level] = stack.pop();
      all.push([c, level]);
      names[c.id] = c.author.name;
      for (let r = c.replies || [], i = r.length; i--;) stack.push([r[i], level + 1]);
    }
    const divs = bodies(all.map(([c]) => c.html));
    const ols = [, document.createDocumentFragment()];
    all.forEach(([c, level], i) => {
      const li = ols[Math.min(level, depth)].appendChild(h('li', null, comment(c, t, level > depth ? names[c.parent] || '' : null, divs[i])));
      if (level < depth && c.replies && c.replies.length) ols[level + 1] = li.appendChild(h('ol', { class: 'n-list n-sub' }));
    });
    return ols[1];
  }

  // Forms

  // Loads js/NAME.js, hands it helpers, then does `then`, or `alert` says it failed.
  const mods = {};
  function need(name, t, then, alert = t.note) {
    mods[name] ||= import(base + 'js/' + name + '.js').then((w) => {
      w.use({ en, h, btn, bodies, comment, store, form, need, base, READER });
      return w;
    });
    return mods[name].then(then, () => {
      delete mods[name];
      if (then) alert.textContent = t.s.t('network');
    });
  }
  const writing = (t, then, alert) => need('write', t, then, alert);

  let seq = 0;

  /** A form (new, reply or edit); `more`: {id, text}. Acts in js/write.js. */
  function form(t, kind, title, more = {}) {
    const { s, cfg } = t;
    const id = 'n' + ++seq;
    const full = kind != 'edit';
    const who = store.get('author', {});
    const r = store.get(READER);
    const f = { t, kind, full, id: more.id, fields: {}, draft: 'draft:' + t.key + (kind == 'reply' ? ':' + more.id : '') };

    function field(name, attrs, hint, need) {
      const fid = id + name;
      const input = h(name == 'text' ? 'textarea' : 'input', {
        id: fid, name, dir: 'auto', 'aria-describedby': (hint ? fid + 'h ' : '') + fid + 'e', 'aria-required': need && 'true', ...attrs,
      });
      const err = h('p', { class: 'n-err', id: fid + 'e', hidden: true, part: 'error' });
      f.fields[name] = { input, err };
      const label = name == 'text' ? s.t('comment') : s.t(name) + ' ' + s.t(need ? 'required' : 'optional');
      return h('div', { class: 'n-f n-f-' + name },
        h('label', { for: fid, text: label }), hint && h('p', { class: 'n-hint', id: fid + 'h', text: hint }), input, err);
    }

    f.notify = full && cfg.email_notifications;
    const boxes = full && [f.notify && 'Replies', f.notify && 'Thread', kind == 'new' && cfg.new_posts && 'Posts'].filter(Boolean);
    // Sign-in buttons, or who is signed in (js/signin.js).
    f.in = full && (r || (cfg.sign_in || []).length) && h('div', { class: 'n-in' }, !r && [
      cfg.guests === false && h('p', { text: s.t('sign_in_required') }),
      cfg.sign_in.map((p) => btn(s.t('signIn', p), {
        // Opened in the click, or popup blockers stop it.
        onclick() {
          const pop = open('', 'natter', 'popup,width=500,height=650');
          need('signin', t, (m) => m.go(t, p.id, pop));
        },
      }))]);
    f.textField = field('text', { rows: 5, part: 'textarea' }, s.t('md'), true);
    f.text = f.fields.text.input;
    f.text.value = full ? store.get(f.draft, '') : more.text;
    f.shown = h('div', { class: 'n-prev n-body', hidden: true, part: 'preview', tabindex: -1 });
    f.previewBtn = btn(s.t('preview'), { onclick: () => writing(t, (w) => w.preview(f), f.alert) });
    f.submitBtn = h('button', { class: 'n-primary', part: 'button', text: s.t(full ? 'post' : 'save') });
    f.alert = h('p', { class: 'n-err', role: 'alert', part: 'error' });
    f.el = h('form', { class: 'n-form' + (!r && cfg.guests === false ? ' n-gate' : ''), 'data-kind': kind, novalidate: true, part: 'form', 'aria-labelledby': id + 't' },
      h('h3', { id: id + 't', text: title }),
      f.in,
      f.textField,
      f.shown,
      full && !r && h('div', { class: 'n-who-f' }, ['name', 'email', 'website'].map((k) => {
        const url = k == 'website';
        const hint = k == 'email' && s.t(f.notify ? 'emailHint' : 'emailHintOff');
        return field(k, { type: url ? 'url' : k == 'email' && k, autocomplete: url ? 'url' : k, part: 'input', value: who[k] }, hint, !url && cfg['require_' + k]);
      })),
      boxes.length && h('div', { class: 'n-f n-notify' },
        boxes.map((k) => h('div', null,
          h('input', { type: 'checkbox', id: id + k, name: k.toLowerCase() }),
          h('label', { for: id + k, text: s.t('notify' + k) }))),
        !r && h('p', { class: 'n-hint', text: s.t('confirmHint') })),
      f.alert,
      (f.btns = h('div', { class: 'n-btns' }, f.submitBtn, f.previewBtn)));
    f.el.onsubmit = (e) => {
      e.preventDefault();
      writing(t, (w) => w.submit(f), f.alert);
    };
    f.el.oninput = ({ target: i }) => {
      if (i == f.text) {
        if (full) store.set(f.draft, i.value);
      } else if (f.fields[i.name]) {
        store.set('author', Object.assign(who, { [i.name]: i.value.trim() }));
      }
    };
    if (r) need('signin', t, (m) => m.bar(f));
    return f;
  }

  // Threads

  const mounted = new Map();

  function unmount(el) {
    if (mounted.has(el)) mounted.get(el)();
    mounted.delete(el);
  }

  /** Renders a thread into `host`; `opts` override its data-*. */
  function mount(host, opts) {
    unmount(host);
    const d = host.dataset;
    const o = {
      pageId: d.pageId, pageUrl: d.pageUrl || location.href, title: d.title || document.title, lang: d.lang,
      theme: d.theme, sort: d.sort || 'oldest', live: d.live != 'false', pageSize: d.pageSize, ...opts,
    };
    // Top-level comments a page shows: the server's default unless 1 or more
    // (and at most the server's 200).
    const size = +o.pageSize >= 1 ? Math.min(Math.floor(o.pageSize), 200) : null;
    const ctl = new AbortController();
    const api = connect(o.pageUrl, o.pageId, ctl.signal);
    const css = h('link', { rel: 'stylesheet', href: base + 'embed.css' });
    const styled = new Promise((r) => { css.onload = css.onerror = r; });
    const ready = Promise.all([api.get('config'), api.get('comments', { sort: o.sort, limit: size }), styled]);
    ready.catch(() => {});
    // The thread as the site's page already holds it (GET /api/thread.html).
    const frag = host.querySelector('[data-natter-html]');
    const lang = pick(host, o.lang);
    const root = h('section', { part: 'root', lang });
    const shadow = host.shadowRoot || host.attachShadow({ mode: 'open' });
    // (Until it is styled, the fragment shows where it is, through a slot.)
    shadow.replaceChildren(css, frag ? h('slot') : root);
    const dark = o.theme == 'auto' && matchMedia('(prefers-color-scheme: dark)');
    const theme = () => { root.className = 'n n-' + (o.theme == 'dark' || dark.matches ? 'dark' : 'light'); };
    theme();
    if (dark) dark.addEventListener('change', theme, { signal: ctl.signal });
    mounted.set(host, () => {
      ctl.abort();
      shadow.replaceChildren();
    });

    // The thread, for js/*.js too.
    const t = {
      o, api, signal: ctl.signal, key: o.pageId || o.pageUrl.split('#')[0], comments: [],
      heading: h('h2', { tabindex: -1, part: 'title' }),
      note: h('p', { class: 'n-note', role: 'status', part: 'status' }),
      render, focus, load,
      article: (id) => shadow.getElementById('natter-comment-' + id),
    };
    const list = h('ol', {
      class: 'n-list',
      onclick: ({ target }) => {
        const b = target.closest('button[name]');
        if (b) writing(t, (w) => w.act(t, b));
      },
      onmouseover: ({ target: e }) => { if (e.dateTime) e.title ||= new Date(e.dateTime).toLocaleString(lang, { dateStyle: 'long', timeStyle: 'short' }); },
    });
    const empty = h('p');
    const more = btn('', { class: 'n-more', hidden: true, onclick: () => load(cursor) });
    let cursor;
    start();

    async function start() {
      const s = (t.s = await strings(lang));
      root.dir = s.dir;
      const sort = h('select', { id: 'n-sort', onchange: () => { o.sort = sort.value; load(); } },
        ['oldest', 'newest', 'top'].map((v) => h('option', { value: v, selected: v == o.sort, text: s.t(v) })));
      const head = h('header', { class: 'n-head' },
        t.heading,
        h('a', { class: 'n-feed', type: 'application/atom+xml', href: base + 'api/feed?' + api.page, text: s.t('feed') }),
        h('div', { class: 'n-sort' }, h('label', { for: 'n-sort', text: s.t('sort') }), sort));
      const paint = (slot) => root.replaceChildren(head, slot, t.note, empty, list, more);
      empty.textContent = s.t('empty');
      more.textContent = s.t('more');
      // Adopted, the form waits behind a button, so that nothing moves
      // when the thread is painted again.
      const write = btn(s.t('write'), { class: 'n-write', onclick: () => ready.then(() => t.form && (write.replaceWith(t.form.el), t.form.text.focus())) });
      let slot = h('p', { class: 'n-muted', text: s.t('loading') });
      if (frag) {
        await styled;
        if (ctl.signal.aborted) return;
        const ols = frag.querySelector('.n-list'), a = frag.querySelector('.n-more'), count = frag.querySelector('h2');
        if (ols) list.append(...ols.children);
        cursor = a && new URL(a.href).searchParams.get('cursor');
        more.hidden = !cursor;
        empty.hidden = list.children.length;
        t.heading.textContent = count && count.textContent;
        paint((slot = write));
        frag.remove();
        shadow.replaceChildren(css, root);
      } else root.append(slot);
      store.own(); // (A slow first read, while the data comes.)
      let page;
      try {
        [t.cfg, page] = await ready;
      } catch (e) {
        const site = /site|origin/.test(e.code);
        slot.replaceWith(h('div', { class: 'n-fail', role: 'alert', part: 'error' },
          h('p', { text: s.t(site ? 'unknown_site' : 'eLoad') }), site && h('p', { class: 'n-muted', text: e.message })));
        return;
      }
      if (ctl.signal.aborted) return;
      take(page);
      t.later = [];
      render();
      const locked = t.thread.locked && h('p', { class: 'n-note', text: s.t('thread_locked') });
      if (!locked) t.form = form(t, 'new', s.t('write'));
      paint(locked || (frag ? write : t.form.el));
      // What can wait comes in the frame after the one that paints the
      // thread: the avatars, and new comments as they come (js/live.js).
      const later = t.later;
      t.later = null;
      requestAnimationFrame(() => requestAnimationFrame(() => {
        for (const f of later) f();
        if (o.live && !ctl.signal.aborted) need('live', t, (m) => m.live(t), {});
      }));
      // Fetch the code for acting when a form or button is near.
      const soon = (e) => e.target.closest('form, button') && writing(t) && e.target.closest('.n-in') && need('signin', t);
      for (const type of ['pointerover', 'pointerdown', 'focusin']) root.addEventListener(type, soon);
      // Back from signing in in this tab.
      if (/natter-token=/.test(location.hash)) need('signin', t, (m) => m.landed(t));
      host.dispatchEvent(new CustomEvent('natter:rendered', { detail: { count: t.thread.count } }));
    }

    function take(page) {
      ({ thread: t.thread, next_cursor: cursor } = page);
      const ids = new Set(t.comments.map((c) => c.id));
      t.comments = t.comments.concat(page.comments.filter((c) => !ids.has(c.id)));
      t.token = page.token || t.token;
    }

    /** Renders the thread again, saying `msg`. */
    function render(msg) {
      t.own = store.own();
      t.me = (store.get(READER) || {}).key;
      t.votes = store.get('votes', {});
      t.heading.textContent = t.s.t('count', { n: t.thread.count });
      empty.hidden = t.comments.length;
      list.replaceChildren(tree(t.comments, t));
      more.hidden = !cursor;
      if (msg) t.note.textContent = msg;
    }

    function focus(el) {
      if (el) {
        el.tabIndex = -1;
        el.focus();
      }
    }

    /** Loads the first page again or, `from` a cursor, the next. */
    async function load(from) {
      try {
        await ready;
        const page = await api.get('comments', { sort: o.sort, limit: size, cursor: from });
        const had = from ? t.comments.length : 0;
        if (!from) t.comments = [];
        take(page);
        render();
        focus(from && t.comments[had] && t.article(t.comments[had].id));
      } catch (e) {
        if (!ctl.signal.aborted) t.note.textContent = t.s.t('eLoad');
      }
    }
  }

  /** Fills each `[data-natter-count]` under `root`. */
  async function counts(root) {
    const els = [...(root || document).querySelectorAll('[data-natter-count]')];
    const abs = (el) => new URL(el.dataset.natterCount || location.href, location.href).href;
    if (!els.length) return;
    const r = await connect(location.href).call('POST', 'counts', { urls: [...new Set(els.map(abs))] });
    for (const el of els) {
      const n = r.counts[abs(el)];
      if (n != null) el.textContent = (await strings(pick(el, el.dataset.lang))).t('count', { n });
    }
  }

  window.natter = { mount, unmount, counts };

  function start() {
    document.querySelectorAll('#natter, [data-natter]').forEach((el) => mount(el));
    counts().catch(() => {});
  }
  if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
