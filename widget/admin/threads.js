// The Threads section: every page with comments; lock or unlock a thread,
// give it a title, or move it (and its comments) to a new page address.

import { api } from './api.js';
import { h, uid, hidden, heading, announce, errorBox, formError, clearErrors, field, select, busy, plural } from './ui.js';

const PAGE = 100;

const threadName = (t) => t.title || t.url || t.key;

function safeUrl(u) {
  try {
    const url = new URL(u);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The card of one thread; `put(t)` replaces it after a change. */
function threadCard(t, put) {
  const titleId = uid('t');
  const name = threadName(t);
  const box = errorBox();
  const lock = h('button', { type: 'button', class: t.locked ? 'primary' : '' },
    t.locked ? 'Unlock' : 'Lock', hidden(` thread ${name}`));
  lock.addEventListener('click', () => busy(lock, async () => {
    box.clear();
    try {
      const r = await api.patch(`threads/${t.id}`, { locked: !t.locked });
      const card = put(t, r.thread);
      card.querySelector('button').focus();
      announce(r.thread.locked
        ? 'The thread is locked: new comments are refused.'
        : 'The thread is open for comments again.');
    } catch (e) {
      box.show(e.message);
    }
  }));

  const change = h('button', { type: 'button', 'aria-expanded': 'false' }, 'Change title or address', hidden(` of ${name}`));
  const formBox = errorBox();
  const title = h('input', { name: 'title', value: t.title || '', autocomplete: 'off' });
  const url = h('input', { name: 'url', type: 'url', value: t.url || '', autocomplete: 'off', spellcheck: 'false' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save', hidden(` thread ${name}`));
  const form = h('form', { class: 'inline-form', id: uid('thread'), hidden: true },
    field('Title', title, 'Leave empty to use the page’s own title.'),
    field('Page address', url, 'To move the thread and its comments to a new address on the same site.'),
    formBox.el,
    h('div', { class: 'actions' }, save,
      h('button', { type: 'button', text: 'Cancel', onclick: () => closeForm() })));
  change.setAttribute('aria-controls', form.id);
  function closeForm() {
    clearErrors(form, formBox);
    title.value = t.title || '';
    url.value = t.url || '';
    form.hidden = true;
    change.setAttribute('aria-expanded', 'false');
    change.focus();
  }
  change.addEventListener('click', () => {
    if (!form.hidden) return closeForm();
    form.hidden = false;
    change.setAttribute('aria-expanded', 'true');
    title.focus();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(save, async () => {
      clearErrors(form, formBox);
      const body = {};
      if (title.value.trim() !== (t.title || '')) body.title = title.value.trim();
      if (url.value.trim() && url.value.trim() !== (t.url || '')) body.url = url.value.trim();
      if (!Object.keys(body).length) return formBox.show('Nothing to save: change the title or the address first.');
      try {
        const r = await api.patch(`threads/${t.id}`, body);
        const card = put(t, r.thread);
        card.querySelector('button[aria-controls]').focus();
        announce(body.url ? 'The thread has moved to its new address.' : 'The thread’s title is saved.');
      } catch (err) {
        formError(form, formBox, err);
      }
    });
  });

  const page = safeUrl(t.url || '');
  return h('li', { class: 'card', 'data-id': String(t.id) },
    h('article', { 'aria-labelledby': titleId },
      h('div', { class: 'row-head' },
        h('h2', { id: titleId, text: name }),
        h('span', { class: 'badge' + (t.locked ? ' badge-spam' : ''), text: t.locked ? 'Locked' : 'Open' })),
      h('p', { class: 'meta' },
        page ? h('a', { href: page, rel: 'noopener noreferrer', text: t.url }) : h('code', { text: t.key }),
        ` · site ${t.site} · ${plural(t.count ?? 0, 'published comment')}`),
      h('div', { class: 'actions' }, lock, change),
      box.el,
      form));
}

export function threadsSection(ctx) {
  const head = heading('Threads');
  head.id = uid('h');
  const site = select('site', [['', 'All sites']]);
  const filterBox = errorBox();
  const filter = h('form', { class: 'filters', 'aria-label': 'Filter threads' },
    field('Site', site),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', text: 'Show threads' })),
    filterBox.el);
  const loadBox = errorBox();
  const sum = h('p', { class: 'summary', tabindex: '-1' });
  const list = h('ul', { class: 'cards' });
  const prev = h('button', { type: 'button', text: 'Previous page', onclick: () => step(-1) });
  const next = h('button', { type: 'button', text: 'Next page', onclick: () => step(1) });
  const pager = h('div', { class: 'pager actions' }, prev, next);
  let threads = [];
  let offset = 0;
  let siteId = '';
  let loads = 0;

  function put(old, t) {
    const merged = { ...old, ...t };
    const i = threads.indexOf(old);
    if (i < 0) {
      // The list was loaded again meanwhile: show it as it is now.
      load();
      return list;
    }
    threads[i] = merged;
    const card = threadCard(merged, put);
    list.children[i].replaceWith(card);
    return card;
  }

  async function load() {
    const mine = ++loads;
    loadBox.clear();
    try {
      const r = await api.get('threads', { site: siteId, offset });
      if (mine !== loads) return;
      threads = r.threads;
      list.replaceChildren(...threads.map((t) => threadCard(t, put)));
      sum.textContent = threads.length
        ? `${plural(threads.length, 'thread')}${offset ? `, from number ${offset + 1}` : ''}.`
        : 'No threads yet. A thread starts when a page gets its first comment.';
      pager.hidden = offset === 0 && threads.length < PAGE;
      prev.disabled = offset === 0;
      next.disabled = threads.length < PAGE;
    } catch (e) {
      if (mine === loads) loadBox.show(e.message);
    }
  }

  function step(n) {
    offset = Math.max(0, offset + n * PAGE);
    load().then(() => sum.focus());
  }

  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    siteId = site.value;
    offset = 0;
    load().then(() => sum.focus());
  });

  async function fillSites() {
    try {
      const sites = await ctx.sites();
      site.replaceChildren(h('option', { value: '', text: 'All sites' }),
        ...sites.map((s) => h('option', { value: s.id, text: `${s.name} (${s.id})` })));
      site.value = sites.some((s) => s.id === siteId) ? siteId : '';
    } catch (e) {
      filterBox.show(e.message);
    }
  }

  return {
    el: h('section', { 'aria-labelledby': head.id }, head,
      h('p', { class: 'intro', text: 'Each page with comments has a thread. Lock a thread to stop new comments.' }),
      filter, loadBox.el, sum, list, pager),
    title: 'Threads',
    heading: head,
    show() {
      fillSites();
      load();
    },
  };
}
