// The Readers section: signed-in readers' identities beside the guests of
// the comment lists, searched by name, email or provider; each can be
// banned, and a moderator can say "This is me" to get the team badge on
// what they write signed in.

import { api } from './api.js';
import { h, uid, hidden, heading, announce, errorBox, field, select, busy, when, plural } from './ui.js';

export function readersSection(ctx) {
  const head = heading('Readers');
  head.id = uid('h');
  const q = h('input', { type: 'search', name: 'q', autocomplete: 'off' });
  const site = select('site', [['', 'All sites']]);
  const box = errorBox();
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Find readers' },
    field('Search readers', q, 'Part of a name, an email address or a provider, like GitLab.'),
    field('Site', site),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', text: 'Search' })),
    box.el);
  const sum = h('p', { class: 'summary', tabindex: '-1' });
  const list = h('ul', { class: 'cards' });
  let params = {};

  function card(i) {
    const rowBox = errorBox();
    const titleId = uid('r');
    const who = `${i.name} (${i.provider})`;
    const link = h('button', { type: 'button', 'data-tool': 'link' },
      i.yours ? 'This is not me' : 'This is me', hidden(`: ${who}`));
    link.disabled = i.linked && !i.yours;
    link.addEventListener('click', () => busy(link, async () => {
      rowBox.clear();
      try {
        await api.post(`identities/${i.id}/link`, { linked: !i.yours });
        announce(i.yours ? `${who} is no longer linked to your account.`
          : `${who} is linked to your account: what you write signed in with it carries the team badge.`);
        await load(i.id, 'link');
      } catch (e) {
        rowBox.show(e.message);
      }
    }));
    const ban = h('button', { type: 'button', class: 'danger', 'data-tool': 'ban' }, 'Ban', hidden(` ${who}`));
    ban.disabled = i.banned;
    ban.addEventListener('click', () => busy(ban, async () => {
      rowBox.clear();
      try {
        await api.post('bans', { kind: 'identity', value: String(i.id), reason: '' });
        announce(`${who} is banned with no end. Lift it under Bans.`);
        await load(i.id, 'link');
      } catch (e) {
        rowBox.show(e.message);
      }
    }));
    const facts = [
      `reader ${i.id}`,
      i.email ? `${i.email}${i.email_verified ? ' (verified by the provider)' : ''}` : 'No email address',
      `site ${i.site}`,
      plural(i.comments, 'comment'),
    ];
    const state = [i.banned && 'Banned', i.yours ? 'Linked to you' : i.linked && 'Linked to another moderator'].filter(Boolean);
    return h('li', { class: 'card', 'data-id': String(i.id) },
      h('article', { 'aria-labelledby': titleId },
        h('div', { class: 'row-head' },
          h('h2', { id: titleId, text: i.name }),
          h('span', { class: 'badge badge-verified', text: `Signed in with ${i.provider}` }),
          state.map((t) => h('span', { class: 'badge', text: t }))),
        h('p', { class: 'meta' }, facts.join(' · '), ' · first signed in ', when(i.created)),
        h('div', { class: 'actions' }, link, ban),
        rowBox.el));
  }

  /** Loads the list; `focusId` and `tool` put the focus back on a card's button. */
  async function load(focusId, tool) {
    box.clear();
    try {
      const r = await api.get('identities', params);
      list.replaceChildren(...r.identities.map(card));
      sum.textContent = r.identities.length
        ? `${plural(r.identities.length, 'signed-in reader')} found.`
        : 'No signed-in readers match.';
      if (focusId != null) {
        list.querySelector(`[data-id="${focusId}"] button[data-tool="${tool}"]:not([disabled])`)?.focus();
      }
    } catch (e) {
      box.show(e.message);
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    params = { q: q.value.trim(), site: site.value };
    await load();
    sum.focus();
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

  return {
    el: h('section', { 'aria-labelledby': head.id }, head,
      h('p', { class: 'intro', text: 'Readers who signed in to comment, newest first. Guests are found under Comments.' }),
      form, sum, list),
    title: 'Readers',
    heading: head,
    show() {
      fillSites();
      load();
    },
  };
}
