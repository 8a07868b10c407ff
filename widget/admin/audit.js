// The Audit log section: every moderator action, newest first, with who and when.

import { api } from './api.js';
import { h, uid, heading, errorBox, busy, when } from './ui.js';

const ACTIONS = {
  login: 'Signed in',
  logout: 'Signed out',
  logout_everywhere: 'Signed out everywhere',
  approve: 'Approved',
  spam: 'Marked as spam',
  delete: 'Deleted',
  restore: 'Restored',
  edit: 'Edited',
  ban: 'Banned',
  unban: 'Removed a ban',
  retitle: 'Retitled',
  lock: 'Locked',
  unlock: 'Unlocked',
  remap: 'Moved',
  save_site: 'Saved site settings',
};
const WAS = { pending: 'held', published: 'published', spam: 'spam', deleted: 'deleted' };

/** The detail in words: for moderation, the status the comment had before. */
function detail(e) {
  if (['approve', 'spam', 'delete', 'restore'].includes(e.action) && WAS[e.detail]) return `It was ${WAS[e.detail]}.`;
  return e.detail || '—';
}

export function auditSection() {
  const head = heading('Audit log');
  head.id = uid('h');
  const loadBox = errorBox();
  const sum = h('p', { class: 'summary', tabindex: '-1' });
  const body = h('tbody');
  const table = h('table', {},
    h('caption', { class: 'vh', text: 'Moderator actions, newest first' }),
    h('thead', {}, h('tr', {}, ['When', 'Who', 'Action', 'On', 'Detail'].map((t) => h('th', { scope: 'col', text: t })))),
    body);
  const more = h('button', { type: 'button', text: 'Show older entries' });
  let last = null;

  const row = (e) => h('tr', {},
    h('td', {}, when(e.at)),
    h('td', { text: e.admin }),
    h('td', { text: ACTIONS[e.action] || e.action }),
    h('td', { text: e.target }),
    h('td', { text: detail(e) }));

  async function load(older) {
    loadBox.clear();
    try {
      const r = await api.get('audit', { before: older ? last : '' });
      const rows = r.entries.map(row);
      if (older) body.append(...rows);
      else body.replaceChildren(...rows);
      if (r.entries.length) last = r.entries[r.entries.length - 1].id;
      more.hidden = r.entries.length < 100;
      const n = body.children.length;
      sum.textContent = n ? `The ${n === 1 ? 'latest action' : `latest ${n} actions`}, newest first.` : 'Nothing has been done yet.';
      table.hidden = !n;
      return rows[0];
    } catch (e) {
      loadBox.show(e.message);
      return null;
    }
  }

  more.addEventListener('click', () => busy(more, async () => {
    const first = await load(true);
    // Put the focus on the first older entry so reading goes on from there.
    if (first) {
      first.tabIndex = -1;
      first.focus();
    }
  }));

  return {
    el: h('section', { 'aria-labelledby': head.id }, head,
      h('p', { class: 'intro', text: 'Everything moderators have done, with who did it and when.' }),
      loadBox.el, sum, h('div', { class: 'table-wrap' }, table), h('div', { class: 'actions' }, more)),
    title: 'Audit log',
    heading: head,
    show: () => load(false),
  };
}
