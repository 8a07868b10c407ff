// The Queue (held comments) and Comments (every comment, searched and
// filtered) sections: a paged list of comment rows with bulk actions.

import { api } from './api.js';
import { h, uid, heading, announce, errorBox, checkbox, field, select, busy, plural } from './ui.js';
import { commentRow, ACTION, DONE, STATUS } from './comment-row.js';

const LIMIT = 50;

/** A paged list of comments; `params()` gives the filters of the next load. */
function commentList({ actions, params, summary, onLoaded, onChanged }) {
  const selected = new Set();
  let comments = [];
  let offset = 0;
  let total = 0;
  let loads = 0;

  const loadBox = errorBox();
  const sum = h('p', { class: 'summary', tabindex: '-1' });
  const list = h('ul', { class: 'comments' });
  const all = checkbox('Select all comments shown');
  const bulkBox = errorBox();
  const bulk = actions.map((a) => h('button', {
    type: 'button',
    class: a === 'delete' ? 'danger' : '',
    onclick: (e) => {
      const ids = comments.filter((c) => selected.has(c.id)).map((c) => c.id);
      if (!ids.length) return bulkBox.show('Select one or more comments first.');
      return moderate(ids, a, bulkBox, e.currentTarget, true);
    },
  }, `${ACTION[a]} selected`));
  const toolbar = h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Selected comments' },
    all.el, h('div', { class: 'actions' }, bulk), bulkBox.el);
  const prev = h('button', { type: 'button', text: 'Previous page', onclick: () => page(-1) });
  const next = h('button', { type: 'button', text: 'Next page', onclick: () => page(1) });
  const pager = h('div', { class: 'pager actions' }, prev, next);

  function update() {
    const n = comments.filter((c) => selected.has(c.id)).length;
    all.input.checked = n > 0 && n === comments.length;
    all.input.indeterminate = n > 0 && n < comments.length;
  }

  all.input.addEventListener('change', () => {
    for (const c of comments) {
      if (all.input.checked) selected.add(c.id);
      else selected.delete(c.id);
    }
    for (const box of list.querySelectorAll('.row-head input[type=checkbox]')) box.checked = all.input.checked;
    update();
  });

  async function moderate(ids, action, box, button, fromToolbar) {
    await busy(button, async () => {
      box.clear();
      bulkBox.clear();
      try {
        const r = await api.post('comments/bulk', { ids, action });
        for (const id of ids) selected.delete(id);
        announce(r.changed
          ? `${plural(r.changed, 'comment')} ${DONE[action]}.`
          : 'Nothing changed: the comments were already so.');
        const at = comments.findIndex((c) => c.id === ids[0]);
        await load(fromToolbar ? null : at);
        onChanged?.();
        if (fromToolbar && (toolbar.hidden || !button.isConnected)) sum.focus();
      } catch (e) {
        box.show(e.message);
      }
    });
  }

  /** Puts a changed comment in place of the old one; the focus goes back
   *  to the button of `tool` (the editor's by default). */
  function replace(old, c, tool) {
    const i = comments.indexOf(old);
    if (i < 0) return;
    comments[i] = c;
    const row = commentRow(c, view);
    list.children[i].replaceWith(row);
    const again = tool ? `button[data-tool="${tool}"]` : 'button[aria-controls^="edit"]';
    row.querySelector(again)?.focus();
  }

  /** Loads the list again after a reply, keeping the focus near `c`. */
  const reload = (c) => load(comments.indexOf(c));

  const view = { selected, onSelect: update, moderate, replace, reload };

  function page(step) {
    offset = Math.max(0, offset + step * LIMIT);
    load(null).then(() => sum.focus());
  }

  /** Loads the list; `focusRow` puts the focus on that row (or the nearest) afterwards. */
  async function load(focusRow) {
    const mine = ++loads;
    loadBox.clear();
    list.setAttribute('aria-busy', 'true');
    let r;
    try {
      r = await api.get('comments', { ...params(), offset, limit: LIMIT });
    } catch (e) {
      if (mine === loads) {
        loadBox.show(e.message);
        list.removeAttribute('aria-busy');
      }
      return;
    }
    if (mine !== loads) return;
    if (!r.comments.length && offset > 0 && r.total > 0) {
      // The last page emptied: show the one before.
      offset = Math.floor((r.total - 1) / LIMIT) * LIMIT;
      return load(focusRow);
    }
    comments = r.comments;
    total = r.total;
    for (const id of [...selected]) if (!comments.some((c) => c.id === id)) selected.delete(id);
    list.replaceChildren(...comments.map((c) => commentRow(c, view)));
    list.removeAttribute('aria-busy');
    const shown = total > comments.length ? ` Showing ${offset + 1} to ${offset + comments.length}.` : '';
    sum.textContent = summary(total) + shown;
    toolbar.hidden = !comments.length;
    pager.hidden = total <= LIMIT;
    prev.disabled = offset === 0;
    next.disabled = offset + LIMIT >= total;
    update();
    onLoaded?.(total);
    if (focusRow != null && focusRow >= 0) {
      const rows = list.children;
      const row = rows[Math.min(focusRow, rows.length - 1)];
      (row?.querySelector('.actions button') || sum).focus();
    }
  }

  return {
    el: h('div', { class: 'list' }, loadBox.el, sum, toolbar, list, pager),
    load,
    reset() { offset = 0; selected.clear(); },
    focusSummary() { sum.focus(); },
  };
}

function section(title, intro, ...content) {
  const head = heading(title);
  head.id = uid('h');
  return { head, el: h('section', { 'aria-labelledby': head.id }, head, h('p', { class: 'intro', text: intro }), ...content) };
}

export function queueSection(ctx) {
  const list = commentList({
    actions: ['approve', 'spam', 'delete'],
    params: () => ({ status: 'pending' }),
    summary: (n) => n ? `${plural(n, 'comment')} waiting for approval.` : 'No comments are waiting for approval.',
    onLoaded: ctx.held,
  });
  const s = section('Queue', 'Comments held for a moderator, newest first. Approve a comment to publish it.', list.el);
  return { el: s.el, title: 'Queue', heading: s.head, show: () => list.load() };
}

export function commentsSection(ctx) {
  const q = h('input', { type: 'search', name: 'q', autocomplete: 'off' });
  const site = select('site', [['', 'All sites']]);
  const status = select('status', [['', 'Any status'], ...Object.entries(STATUS)]);
  const box = errorBox();
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Find comments' },
    field('Search', q, 'Words from the text, the author’s name or email, or the page’s address or title.'),
    field('Site', site),
    field('Status', status),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', text: 'Search' })),
    box.el);
  let params = {};
  const list = commentList({
    actions: ['approve', 'spam', 'delete', 'restore'],
    params: () => params,
    summary: (n) => n ? `${plural(n, 'comment')} found.` : 'No comments match.',
    onChanged: () => ctx.recount(),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    params = { q: q.value.trim(), site: site.value, status: status.value };
    list.reset();
    await list.load(null);
    list.focusSummary();
  });

  async function fillSites() {
    try {
      const sites = await ctx.sites();
      const keep = site.value;
      site.replaceChildren(h('option', { value: '', text: 'All sites' }),
        ...sites.map((s) => h('option', { value: s.id, text: `${s.name} (${s.id})` })));
      site.value = sites.some((s) => s.id === keep) ? keep : '';
    } catch (err) {
      box.show(err.message);
    }
  }

  const s = section('Comments', 'Every comment, newest first. Search them, or filter by site and status.', form, list.el);
  return {
    el: s.el,
    title: 'Comments',
    heading: s.head,
    show() {
      fillSites();
      list.load();
    },
  };
}
