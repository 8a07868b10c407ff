// The Email and webhooks section: what natter has to send (emails to
// moderators and readers, webhook calls), waiting, sent or failed; a failed
// one can be sent again.

import { api } from './api.js';
import { h, uid, hidden, heading, announce, errorBox, field, select, busy, when, plural } from './ui.js';

const STATES = [['dead', 'Failed'], ['pending', 'Waiting'], ['sent', 'Sent']];
const NONE = { dead: 'Nothing has failed.', pending: 'Nothing is waiting to be sent.', sent: 'Nothing has been sent yet.' };
const TOPICS = {
  moderator: 'New comment, to a moderator',
  confirm: 'Confirm an address',
  reply: 'A reply to the reader',
  thread: 'New comment on a followed page',
  privacy: 'The reader’s data or erasure',
  'comment.created': 'Webhook: comment posted',
  'comment.published': 'Webhook: comment published',
  'comment.deleted': 'Webhook: comment deleted',
};
const topic = (i) => TOPICS[i.topic] || `${i.kind}: ${i.topic}`;

export function outboxSection() {
  const head = heading('Email and webhooks');
  head.id = uid('h');
  const state = select('state', STATES);
  const filter = h('form', { class: 'filters', 'aria-label': 'Filter by state' },
    field('Show', state),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', text: 'Show' })));
  const loadBox = errorBox();
  const counts = h('p', { class: 'meta' });
  const sum = h('p', { class: 'summary', tabindex: '-1' });
  const caption = h('caption', { class: 'vh' });
  const titles = h('tr');
  const body = h('tbody');
  const table = h('table', {}, caption, h('thead', {}, titles), body);
  let shown = 'dead';

  /** A failed item's "Send again" button, with the place for its error. */
  function again(i) {
    const box = errorBox();
    const what = i.kind === 'email' ? 'email' : 'webhook call';
    const button = h('button', { type: 'button' }, 'Send again', hidden(` the ${what} to ${i.recipient}`));
    button.addEventListener('click', () => busy(button, async () => {
      box.clear();
      try {
        const at = [...body.children].indexOf(button.closest('tr'));
        await api.post(`outbox/${i.id}/retry`);
        announce(`The ${what} to ${i.recipient} will be sent again.`);
        await load();
        const rest = body.querySelectorAll('button');
        (rest[Math.min(at, rest.length - 1)] || sum).focus();
      } catch (e) {
        box.show(e.message);
      }
    }));
    return h('td', {}, button, box.el);
  }

  const row = (i) => h('tr', {},
    h('td', {}, when(i.created)),
    h('td', { text: topic(i) }),
    h('td', {}, h('code', { text: i.recipient })),
    h('td', { text: String(i.attempts) }),
    h('td', { text: i.last_error || '—' }),
    i.state === 'dead' && again(i));

  async function load() {
    loadBox.clear();
    try {
      const r = await api.get('outbox', { state: shown });
      const c = r.counts;
      counts.textContent = `Waiting: ${c.pending} · Sent: ${c.sent} · Failed: ${c.dead}`;
      const name = STATES.find(([v]) => v === shown)[1];
      caption.textContent = `${name}, newest first`;
      const cols = ['Created', 'What', 'To', 'Tries', 'Last error', shown === 'dead' && 'Action'].filter(Boolean);
      titles.replaceChildren(...cols.map((t) => h('th', { scope: 'col', text: t })));
      body.replaceChildren(...r.items.map(row));
      table.hidden = !r.items.length;
      sum.textContent = r.items.length ? `${name}: ${plural(r.items.length, 'item')}, newest first.` : NONE[shown];
    } catch (e) {
      loadBox.show(e.message);
    }
  }

  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    shown = state.value;
    load().then(() => sum.focus());
  });

  return {
    el: h('section', { 'aria-labelledby': head.id }, head,
      h('p', { class: 'intro', text: 'The emails and webhook calls natter sends, and those it could not send. A failed one can be sent again.' }),
      counts, filter, loadBox.el, sum, h('div', { class: 'table-wrap' }, table)),
    title: 'Email and webhooks',
    heading: head,
    show: load,
  };
}
