// The Bans section: who may not post (by IP hash, email or identity), until when,
// and why; remove a ban, or add one by value.

import { api } from './api.js';
import { h, uid, hidden, heading, announce, errorBox, formError, fieldError, clearErrors, field, select, busy, when, plural } from './ui.js';

const KIND = { ip: 'IP hash', email: 'Email address', identity: 'Signed-in identity' };

export function bansSection() {
  const head = heading('Bans');
  head.id = uid('h');
  const loadBox = errorBox();
  const sum = h('p', { class: 'summary', tabindex: '-1' });
  const body = h('tbody');
  const table = h('table', {},
    h('caption', { class: 'vh', text: 'Bans in force' }),
    h('thead', {}, h('tr', {}, ['Banned', 'Reason', 'Since', 'Ends', 'By', 'Action'].map((t) => h('th', { scope: 'col', text: t })))),
    body);
  let bans = [];

  function row(b) {
    const box = errorBox();
    const remove = h('button', { type: 'button', class: 'danger' }, 'Remove', hidden(` ban of ${b.value}`));
    remove.addEventListener('click', () => busy(remove, async () => {
      box.clear();
      try {
        const at = bans.indexOf(b);
        await api.del(`bans/${b.id}`);
        announce(`The ban of ${b.value} is removed.`);
        await load();
        const rows = body.querySelectorAll('button');
        (rows[Math.min(at, rows.length - 1)] || sum).focus();
      } catch (e) {
        box.show(e.message);
      }
    }));
    const ends = b.expires == null ? 'Never' : when(b.expires);
    return h('tr', {},
      h('td', {}, h('span', { class: 'kind', text: KIND[b.kind] || b.kind }), ' ', h('code', { text: b.value })),
      h('td', { text: b.reason || '—' }),
      h('td', {}, when(b.created)),
      h('td', {}, ends),
      h('td', { text: b.created_by }),
      h('td', {}, remove, box.el));
  }

  async function load() {
    loadBox.clear();
    try {
      const r = await api.get('bans');
      bans = r.bans;
      body.replaceChildren(...bans.map(row));
      table.hidden = !bans.length;
      sum.textContent = bans.length ? `${plural(bans.length, 'ban')} in force.` : 'No one is banned.';
    } catch (e) {
      loadBox.show(e.message);
    }
  }

  // Adding a ban by value.
  const box = errorBox();
  const kind = select('kind', Object.entries(KIND));
  const value = h('input', { name: 'value', autocomplete: 'off', spellcheck: 'false' });
  const reason = h('input', { name: 'reason', maxlength: '500', autocomplete: 'off' });
  const days = h('input', { name: 'days', inputmode: 'numeric', size: '6', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'danger', text: 'Ban' });
  const form = h('form', { class: 'inline-form', 'aria-labelledby': uid('addban') },
    field('Ban by', kind),
    field('IP hash, email address or identity', value, 'An IP hash as shown beside a comment, an email address, or a reader’s number from the Readers section. Or use “Ban author” on a comment.'),
    field('Reason (optional, for other moderators)', reason),
    field('Days', days, 'Leave empty for a ban without end.'),
    box.el,
    h('div', { class: 'actions' }, submit));
  const formHead = h('h2', { id: form.getAttribute('aria-labelledby'), text: 'Add a ban' });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(submit, async () => {
      clearErrors(form, box);
      const ban = { kind: kind.value, value: value.value.trim(), reason: reason.value.trim() };
      const d = days.value.trim();
      if (d) {
        if (!/^\d+$/.test(d) || +d < 1) {
          fieldError(days, 'Enter a whole number of days, like 30, or leave it empty.');
          return days.focus();
        }
        ban.days = +d;
      }
      try {
        await api.post('bans', ban);
        form.reset();
        announce(`${ban.value || 'The author'} is banned ${d ? `for ${d} day${+d === 1 ? '' : 's'}` : 'with no end'}.`);
        await load();
      } catch (err) {
        formError(form, box, err);
      }
    });
  });

  return {
    el: h('section', { 'aria-labelledby': head.id }, head,
      h('p', { class: 'intro', text: 'A banned author cannot post on any site. Each ban lists when it was made and when it ends.' }),
      loadBox.el, sum, h('div', { class: 'table-wrap' }, table), formHead, form),
    title: 'Bans',
    heading: head,
    show: load,
  };
}
