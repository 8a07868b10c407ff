// One mounted thread: loads it, renders it into the host's shadow root and
// answers the reader's actions (reply, edit, delete, vote, sort, more).

import { Api } from './api.js';
import { pick, strings, explain } from './i18n.js';
import { h, tree } from './view.js';
import { form } from './form.js';
import * as store from './store.js';

/** Mounts into `host`; returns the function that unmounts. */
export function mount(host, base, opts) {
  const d = host.dataset;
  const o = {
    pageId: d.pageId, pageUrl: d.pageUrl || location.href, title: d.title || document.title,
    lang: d.lang, theme: d.theme || 'light', sort: d.sort || 'oldest',
    live: d.live != null && d.live !== 'false', ...opts,
  };
  const shadow = host.shadowRoot || host.attachShadow({ mode: 'open' });
  const ctl = new AbortController();
  const api = new Api(base, o, ctl.signal);
  const link = h('link', { rel: 'stylesheet', href: base + 'embed.css' });
  const styled = new Promise((r) => { link.onload = link.onerror = r; });
  const root = h('section', { part: 'root' });
  shadow.replaceChildren(link, root);

  const mq = o.theme === 'auto' && matchMedia('(prefers-color-scheme: dark)');
  const paint = () => {
    root.className = 'n n-' + (o.theme === 'dark' || (mq && mq.matches) ? 'dark' : 'light');
  };
  paint();
  if (mq) mq.addEventListener('change', paint);

  let s, cfg, thread, ctx, formToken, cursor, events;
  let comments = [];
  const key = o.pageId || o.pageUrl.split('#')[0];
  const lang = pick(host, o.lang);
  const heading = h('h2', { class: 'n-count', tabindex: -1, part: 'title' });
  const note = h('p', { class: 'n-note', role: 'status', part: 'status' });
  const list = h('ol', { class: 'n-list' });
  const empty = h('p', { class: 'n-empty' });
  const more = h('button', { type: 'button', class: 'n-more', part: 'button', hidden: true, onclick: loadMore });
  const fresh = h('button', { type: 'button', class: 'n-more', part: 'button', hidden: true, onclick: reload });
  const sortSel = h('select', { id: 'n-sort', onchange: () => { o.sort = sortSel.value; reload(); } });

  start();
  return () => {
    ctl.abort();
    if (mq) mq.removeEventListener('change', paint);
    if (events) events.close();
    shadow.replaceChildren();
  };

  async function start() {
    const sP = strings(base, lang);
    try {
      s = await sP;
      Object.assign(root, { lang, dir: s.dir });
      root.replaceChildren(h('p', { class: 'n-muted', text: s.t('loading') }));
      let page;
      [cfg, page] = await Promise.all([api.config(), api.comments(o.sort), styled]);
      take(page);
      ctx = { s, base, own: store.own, vote: store.vote, open: !thread.locked, depth: cfg.max_depth || 5 };
      build();
      render();
      if (o.live) listen();
      host.dispatchEvent(new CustomEvent('natter:rendered', { detail: { count: thread.count } }));
    } catch (e) {
      if (ctl.signal.aborted) return;
      s ||= await sP;
      const why = explain(s, e);
      root.replaceChildren(h('div', { class: 'n-fail', role: 'alert', part: 'error' },
        h('p', { text: why === s.t('eServer') ? s.t('eLoad') : why }),
        e.code === 'unknown_site' || e.code === 'forbidden_origin' ? h('p', { class: 'n-muted', text: e.message }) : null));
    }
  }

  function take(page) {
    thread = page.data.thread;
    comments = comments.concat(page.data.comments);
    cursor = page.data.next_cursor;
    formToken = page.formToken || formToken;
  }

  function build() {
    for (const v of ['oldest', 'newest', 'top']) sortSel.append(h('option', { value: v, selected: v === o.sort, text: s.t(v) }));
    more.textContent = s.t('more');
    fresh.textContent = s.t('fresh');
    list.addEventListener('click', act);
    root.replaceChildren(
      h('header', { class: 'n-head' }, heading,
        h('div', { class: 'n-sort' }, h('label', { for: 'n-sort', text: s.t('sort') }), sortSel)),
      thread.locked ? h('p', { class: 'n-note', text: s.t('locked') }) : newForm(),
      note, fresh, empty, list, more);
  }

  function newForm() {
    return form({ s, cfg, kind: 'new', draftKey: key, title: s.t('write'), preview: (t) => api.preview(t),
      submit: (v) => send(v) }).el;
  }

  function render() {
    heading.textContent = s.t('count', { n: thread.count });
    empty.textContent = comments.length ? '' : s.t('empty');
    empty.hidden = !!comments.length;
    list.replaceChildren();
    tree(comments, ctx, list);
    more.hidden = !cursor;
  }

  async function reload() {
    fresh.hidden = true;
    list.setAttribute('aria-busy', 'true');
    try {
      const page = await api.comments(o.sort);
      comments = [];
      take(page);
      render();
    } catch (e) {
      if (!ctl.signal.aborted) note.textContent = explain(s, e);
    }
    list.removeAttribute('aria-busy');
  }

  async function loadMore() {
    try {
      const first = comments.length;
      take(await api.comments(o.sort, cursor));
      render();
      const c = comments[first];
      if (c) focus(c.id);
    } catch (e) {
      if (!ctl.signal.aborted) note.textContent = explain(s, e);
    }
  }

  function listen() {
    events = new EventSource(base + 'api/events?' + api.page);
    const show = () => { fresh.hidden = false; };
    for (const t of ['message', 'new', 'edited', 'deleted']) events.addEventListener(t, show);
  }

  /** Finds a comment in the tree: {c, siblings}. */
  function find(id, all = comments) {
    for (const c of all) {
      if (c.id === id) return { c, siblings: all };
      const r = c.replies && find(id, c.replies);
      if (r) return r;
    }
    return null;
  }

  function focus(id) {
    const a = shadow.getElementById('natter-comment-' + id);
    if (a) a.focus();
  }

  async function send(v, parent) {
    const body = { ...v, title: o.title, voter: store.voter() };
    if (parent) body.parent = parent;
    if (formToken) body.form_token = formToken;
    for (const k of ['name', 'email', 'website']) if (!body[k]) delete body[k];
    const r = await api.post(body);
    const c = r.comment;
    c.replies ||= [];
    store.setOwn(c.id, { token: r.edit_token, until: r.edit_until, text: v.text });
    if (parent) find(parent).c.replies.push(c);
    else if (o.sort === 'newest') comments.unshift(c);
    else comments.push(c);
    if (!r.held) thread.count++;
    render();
    const mins = Math.round((Date.parse(r.edit_until) - Date.now()) / 60000);
    note.textContent = r.held ? s.t('held') : s.t('published') + (mins > 0 ? ' ' + s.t('editFor', { n: mins }) : '');
    focus(c.id);
  }

  function act(e) {
    const b = e.target.closest('button[data-act]');
    if (!b) return;
    const art = b.closest('article');
    const id = Number(art.dataset.id);
    ({ reply, edit, del, vote })[b.dataset.act](b, art, id);
  }

  function close(art) {
    const open = art.parentNode.querySelector(':scope > .n-form');
    if (open) open.remove();
    const r = art.querySelector('[data-act=reply]');
    if (r) r.setAttribute('aria-expanded', 'false');
    art.querySelector('.n-body').hidden = false;
    return open && open.dataset.kind;
  }

  function reply(b, art, id) {
    if (close(art) === 'reply') return b.focus();
    const c = find(id).c;
    const f = form({ s, cfg, kind: 'reply', draftKey: key + ':' + id,
      title: s.t('replyTo', { name: c.author.name || s.t('anon') }),
      preview: (t) => api.preview(t), submit: (v) => send(v, id),
      cancel: () => { close(art); b.focus(); } });
    art.after(f.el);
    b.setAttribute('aria-expanded', 'true');
    f.focus();
  }

  function edit(b, art, id) {
    if (close(art) === 'edit') return b.focus();
    const mine = store.own(id);
    const f = form({ s, cfg, kind: 'edit', text: mine ? mine.text : '', title: s.t('editing'),
      preview: (t) => api.preview(t),
      submit: async (v) => {
        const c = await api.edit(id, mine && mine.token, v.text);
        store.setOwn(id, { ...mine, text: v.text });
        Object.assign(find(id).c, c, { replies: find(id).c.replies });
        render();
        note.textContent = s.t('updated');
        focus(id);
      },
      cancel: () => { close(art); b.focus(); } });
    art.querySelector('.n-body').hidden = true;
    art.after(f.el);
    f.focus();
  }

  function del(b, art, id) {
    const acts = b.parentNode;
    if (acts.querySelector('.n-confirm')) return;
    const yes = h('button', { type: 'button', part: 'button', class: 'n-danger', text: s.t('yesDel') });
    const no = h('button', { type: 'button', part: 'button', text: s.t('keep') });
    const box = h('span', { class: 'n-confirm', role: 'group', 'aria-label': s.t('confirmDel') },
      h('span', { text: s.t('confirmDel') + ' ' }), yes, ' ', no);
    acts.append(box);
    yes.focus();
    no.onclick = () => { box.remove(); b.focus(); };
    yes.onclick = async () => {
      try {
        await api.remove(id, (store.own(id) || {}).token);
        store.setOwn(id, null);
        const { c, siblings } = find(id);
        if (c.status === 'published') thread.count--;
        if (c.replies && c.replies.length) Object.assign(c, { status: 'deleted', html: '', author: { name: '' } });
        else siblings.splice(siblings.indexOf(c), 1);
        render();
        note.textContent = s.t('removed');
        heading.focus();
      } catch (err) {
        problem(art, err);
      }
    };
  }

  async function vote(b, art, id) {
    const value = b.getAttribute('aria-pressed') === 'true' ? 0 : Number(b.dataset.value);
    try {
      const r = await api.vote(id, value, store.voter());
      store.setVote(id, r.value);
      Object.assign(find(id).c, { likes: r.likes, dislikes: r.dislikes });
      for (const v of art.querySelectorAll('[data-act=vote]')) {
        v.setAttribute('aria-pressed', String(Number(v.dataset.value) === r.value));
        v.lastChild.textContent = v.dataset.value > 0 ? r.likes : r.dislikes;
      }
    } catch (err) {
      problem(art, err);
    }
  }

  /** Shows an error of a comment's action right under its buttons. */
  function problem(art, err) {
    if (ctl.signal.aborted) return;
    let p = art.querySelector('.n-err');
    if (!p) art.append((p = h('p', { class: 'n-err', role: 'alert', part: 'error' })));
    p.textContent = explain(s, err);
  }
}
