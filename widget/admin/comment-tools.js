// What a moderator does besides moderating a comment: answer it as the
// site's team, and pin it to the top of its thread.

import { api } from './api.js';
import { h, uid, hidden, announce, errorBox, formError, clearErrors, field, busy } from './ui.js';

/** The marks beside an author's name: signed in, team, pinned. */
export function marks(c) {
  const out = [];
  if (c.verified) {
    out.push(h('span', { class: 'badge badge-verified', text: c.provider ? `Signed in with ${c.provider}` : 'Signed in' }));
  }
  if (c.team) out.push(h('span', { class: 'badge badge-team', text: 'Team' }));
  if (c.pinned) out.push(h('span', { class: 'badge badge-pinned', text: 'Pinned' }));
  return out;
}

/** Why the rules held the comment, in plain words (held comments only). */
export function heldReason(c) {
  if (c.status !== 'pending' || !c.held_because) return null;
  return h('p', { class: 'held-reason' }, h('strong', { text: 'Held because: ' }), c.held_because);
}

/** The Pin or Unpin button of a published top-level comment, or null. */
export function pinButton(c, name, list, box) {
  if (c.parent != null || (c.status !== 'published' && !c.pinned)) return null;
  const label = c.pinned ? 'Unpin' : 'Pin to top';
  const button = h('button', { type: 'button', 'data-tool': 'pin' }, label, hidden(` comment by ${name}`));
  button.addEventListener('click', () => busy(button, async () => {
    box.clear();
    try {
      const r = await api.post(`comments/${c.id}/pin`, { pinned: !c.pinned });
      list.replace(c, r.comment, 'pin');
      announce(r.comment.pinned ? `The comment by ${name} is pinned to the top of its thread.` : `The comment by ${name} is no longer pinned.`);
    } catch (e) {
      box.show(e.message);
    }
  }));
  return button;
}

/** The Reply button of a published comment and its form, or null. */
export function replyTool(c, name, list, toggle, close) {
  if (c.status !== 'published') return null;
  const opener = h('button', { type: 'button', 'aria-expanded': 'false', 'data-tool': 'reply' }, 'Reply', hidden(` to ${name}`));
  const box = errorBox();
  const text = h('textarea', { name: 'text', rows: '5' });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Post reply', hidden(` to ${name}`));
  const form = h('form', { class: 'inline-form', id: uid('reply'), hidden: true },
    field('Your reply', text, 'Published at once under your name, with the site’s team badge. Markdown works as in comments.'),
    box.el,
    h('div', { class: 'actions' }, send,
      h('button', { type: 'button', text: 'Cancel', onclick: () => { clearErrors(form, box); close(opener, form); } })));
  opener.setAttribute('aria-controls', form.id);
  opener.addEventListener('click', () => toggle(opener, form, 'textarea'));
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      clearErrors(form, box);
      close(opener, form);
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(send, async () => {
      clearErrors(form, box);
      try {
        await api.post(`comments/${c.id}/reply`, { text: text.value });
        text.value = '';
        close(opener, form);
        announce(`Your reply to ${name} is published.`);
        await list.reload?.(c);
      } catch (err) {
        formError(form, box, err);
      }
    });
  });
  return { opener, form };
}
