// One mounted thread: loads it into the host's shadow root and answers the
// reader's actions (post, reply, edit, delete, vote, sort, show more).

import { Api, store } from './api.js';
import { pick, strings, explain } from './i18n.js';
import { h, btn, tree } from './view.js';
import { form } from './form.js';

/** Mounts into `host` with the options embed.js read, `o`: {pageId, pageUrl,
 *  title, lang, theme, sort, pre: {config, comments} (requests it has
 *  already sent)}. Returns the function that unmounts. */
export function mount(host, base, o) {
  const ctl = new AbortController();
  const api = new Api(base, o, ctl.signal);
  const config = api.get('config', {}, o.pre.config);
  const first = api.get('comments', {}, o.pre.comments);
  config.catch(() => {});
  first.catch(() => {});

  const shadow = host.shadowRoot || host.attachShadow({ mode: 'open' });
  const css = h('link', { rel: 'stylesheet', href: base + 'embed.css' });
  const styled = new Promise((r) => { css.onload = css.onerror = r; });
  const root = h('section', { part: 'root' });
  shadow.replaceChildren(css, root);
  const dark = o.theme === 'auto' && matchMedia('(prefers-color-scheme: dark)');
  const paint = () => { root.className = 'n n-' + (o.theme === 'dark' || (dark && dark.matches) ? 'dark' : 'light'); };
  paint();
  if (dark) dark.onchange = paint;

  const key = o.pageId || o.pageUrl.split('#')[0];
  const heading = h('h2', { tabindex: -1, part: 'title' });
  const note = h('p', { class: 'n-note', role: 'status', part: 'status' });
  // A date's full form appears as its tooltip, made when the pointer comes.
  const list = h('ol', { class: 'n-list', onclick: act, onmouseover: ({ target: t }) => { if (t.dateTime) t.title ||= s.date(t.dateTime); } });
  const empty = h('p');
  const more = btn('', { class: 'n-more', hidden: true, onclick: () => load(cursor) });
  let s, cfg, thread, ctx, formToken, cursor;
  let comments = [];

  start();
  return () => {
    ctl.abort();
    if (dark) dark.onchange = null;
    shadow.replaceChildren();
  };

  async function start() {
    const lang = pick(host, o.lang);
    s = await strings(base, lang);
    Object.assign(root, { lang, dir: s.dir });
    root.append(h('p', { class: 'n-muted', text: s.t('loading') }));
    try {
      [cfg] = await Promise.all([config, styled]);
      take(await first);
    } catch (e) {
      if (ctl.signal.aborted) return;
      const site = /site|origin/.test(e.code);
      root.replaceChildren(h('div', { class: 'n-fail', role: 'alert', part: 'error' },
        h('p', { text: s.t(site ? 'eSite' : 'eLoad') }),
        // The server's sentence names the origin and how to register it.
        site && h('p', { class: 'n-muted', text: e.message })));
      return;
    }
    if (ctl.signal.aborted) return;
    ctx = { s, origin: new URL(base).origin, open: !thread.locked, depth: cfg.max_depth || 5 };
    const sort = h('select', { id: 'n-sort', onchange: () => { o.sort = sort.value; load(); } },
      ['oldest', 'newest', 'top'].map((v) => h('option', { value: v, selected: v === o.sort, text: s.t(v) })));
    more.textContent = s.t('more');
    root.replaceChildren(
      h('header', { class: 'n-head' }, heading, h('div', { class: 'n-sort' }, h('label', { for: 'n-sort', text: s.t('sort') }), sort)),
      thread.locked
        ? h('p', { class: 'n-note', text: s.t('locked') })
        : form({ s, cfg, kind: 'new', key, title: s.t('write'), preview, submit: send }).el,
      note, empty, list, more);
    render();
    host.dispatchEvent(new CustomEvent('natter:rendered', { detail: { count: thread.count } }));
  }

  function take(page) {
    thread = page.thread;
    comments = comments.concat(page.comments);
    cursor = page.next_cursor;
    formToken = page.token || formToken;
  }

  function render() {
    const own = store.read('own', {});
    const votes = store.read('votes', {});
    const now = Date.now();
    ctx.own = (id) => own[id] && Date.parse(own[id].until) > now;
    ctx.vote = (id) => votes[id];
    heading.textContent = s.t('count', { n: thread.count });
    empty.textContent = s.t('empty');
    empty.hidden = comments.length;
    list.replaceChildren();
    tree(comments, ctx, list);
    more.hidden = !cursor;
  }

  /** Loads the first page again (a new sort) or, with `from`, the next one. */
  async function load(from) {
    try {
      const page = await api.get('comments', { sort: o.sort, cursor: from });
      const had = from ? comments.length : 0;
      if (!from) comments = [];
      take(page);
      render();
      if (from && comments[had]) focus(comments[had].id);
    } catch (e) {
      if (!ctl.signal.aborted) note.textContent = explain(s, e);
    }
  }

  function preview(text) {
    return api.call('POST', 'preview', { text }).then((r) => r.html);
  }

  /** {c, siblings} for the comment with this id, wherever it is in the tree. */
  function find(id, all = comments) {
    for (const c of all) {
      const r = c.id === id ? { c, siblings: all } : find(id, c.replies || []);
      if (r) return r;
    }
  }

  function focus(id) {
    const a = shadow.getElementById('natter-comment-' + id);
    if (a) a.focus();
  }

  async function send(v, parent) {
    const body = { ...v, parent, title: o.title, voter: store.voter(), form_token: formToken };
    for (const k of ['name', 'email', 'website']) if (!body[k]) delete body[k];
    const r = await api.post(body);
    const c = Object.assign(r.comment, { replies: [] });
    store.setOwn(c.id, { token: r.edit_token, until: r.edit_until, text: v.text });
    if (parent) find(parent).c.replies.push(c);
    else comments[o.sort === 'newest' ? 'unshift' : 'push'](c);
    if (!r.held) thread.count++;
    render();
    const mins = Math.round((Date.parse(r.edit_until) - Date.now()) / 6e4);
    note.textContent = r.held ? s.t('held') : s.t('published') + (mins > 0 ? ' ' + s.t('editFor', { n: mins }) : '');
    focus(c.id);
  }

  function act(e) {
    const b = e.target.closest('[data-act]');
    if (!b) return;
    const art = b.closest('article');
    ({ reply, edit, del, vote })[b.dataset.act](b, art, +art.dataset.id);
  }

  /** Closes the form open under `art`; returns its kind, if one was open. */
  function close(art) {
    const f = art.parentNode.querySelector(':scope > form');
    if (f) f.remove();
    art.querySelector('.n-body').hidden = false;
    const r = art.querySelector('[data-act=reply]');
    if (r) r.setAttribute('aria-expanded', 'false');
    return f && f.dataset.kind;
  }

  /** Opens a form of `kind` under `art`, or closes it if it was open. */
  function open(b, art, kind, extra) {
    if (close(art) === kind) return b.focus();
    const f = form({ s, cfg, kind, preview, cancel: () => { close(art); b.focus(); }, ...extra });
    art.after(f.el);
    f.focus();
    return true;
  }

  function reply(b, art, id) {
    const { c } = find(id);
    const title = s.t('replyTo', { name: c.author.name || s.t('anon') });
    if (open(b, art, 'reply', { key: key + ':' + id, title, submit: (v) => send(v, id) })) b.setAttribute('aria-expanded', 'true');
  }

  function edit(b, art, id) {
    const mine = store.own(id) || {};
    const opened = open(b, art, 'edit', {
      text: mine.text, title: s.t('editing'),
      submit: async (v) => {
        const { comment } = await api.call('PATCH', 'comments/' + id, { text: v.text }, mine.token);
        store.setOwn(id, { ...mine, text: v.text });
        Object.assign(find(id).c, comment, { replies: find(id).c.replies });
        render();
        note.textContent = s.t('updated');
        focus(id);
      },
    });
    if (opened) art.querySelector('.n-body').hidden = true;
  }

  function del(b, art, id) {
    if (art.querySelector('.n-confirm')) return;
    const no = btn(s.t('keep'), { onclick: () => { box.remove(); b.focus(); } });
    const yes = btn(s.t('yesDel'), { class: 'n-danger', onclick: gone });
    const box = h('div', { class: 'n-confirm', role: 'group', 'aria-label': s.t('confirmDel') }, s.t('confirmDel'), yes, no);
    b.parentNode.after(box);
    yes.focus();

    async function gone() {
      try {
        await api.call('DELETE', 'comments/' + id, null, (store.own(id) || {}).token);
        store.setOwn(id);
        const { c, siblings } = find(id);
        if (c.status === 'published') thread.count--;
        // One with replies stays as a tombstone, so the conversation keeps its shape.
        if (c.replies.length) Object.assign(c, { status: 'deleted' });
        else siblings.splice(siblings.indexOf(c), 1);
        render();
        note.textContent = s.t('removed');
        heading.focus();
      } catch (err) {
        problem(art, err);
      }
    }
  }

  async function vote(b, art, id) {
    const value = b.getAttribute('aria-pressed') === 'true' ? 0 : +b.dataset.value;
    try {
      const r = await api.call('POST', `comments/${id}/vote`, { value, voter: store.voter() });
      const votes = store.read('votes', {});
      votes[id] = r.value;
      store.write('votes', votes);
      Object.assign(find(id).c, { likes: r.likes, dislikes: r.dislikes });
      for (const v of art.querySelectorAll('[data-act=vote]')) {
        const like = v.dataset.value > 0;
        v.setAttribute('aria-pressed', +v.dataset.value === r.value);
        v.textContent = s.t(like ? 'like' : 'dislike') + ' ' + (like ? r.likes : r.dislikes);
      }
    } catch (err) {
      problem(art, err);
    }
  }

  /** An error of a comment's action, shown right under that comment. */
  function problem(art, err) {
    if (ctl.signal.aborted) return;
    let p = art.querySelector('.n-err');
    if (!p) art.append((p = h('p', { class: 'n-err', role: 'alert', part: 'error' })));
    p.textContent = explain(s, err);
  }
}
