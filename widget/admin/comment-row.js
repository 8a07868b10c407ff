// One comment in the queue or the comment list: who wrote it where, its
// rendered text, and what a moderator can do with it (moderate, edit, ban).

import { api } from './api.js';
import { h, uid, hidden, when, announce, errorBox, formError, fieldError, clearErrors, field, busy } from './ui.js';
import { marks, heldReason, pinButton, replyTool } from './comment-tools.js';

export const STATUS = { pending: 'Held', published: 'Published', spam: 'Spam', deleted: 'Deleted' };
export const ACTION = { approve: 'Approve', spam: 'Mark as spam', delete: 'Delete', restore: 'Restore' };
/** What each action did, for messages. */
export const DONE = { approve: 'approved', spam: 'marked as spam', delete: 'deleted', restore: 'restored' };

/** The actions that change a comment in this status. */
function actionsFor(c) {
  switch (c.status) {
    case 'pending': return ['approve', 'spam', 'delete'];
    case 'published': return ['spam', 'delete'];
    case 'spam': return ['approve', 'delete'];
    default: return c.text ? ['restore'] : [];
  }
}

/** Only http(s) addresses become links. */
function safeUrl(u) {
  try {
    const url = new URL(u);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

const authorName = (c) => c.author.name || 'Anonymous';

function meta(c) {
  const parts = [];
  if (c.author.email) parts.push(h('a', { href: 'mailto:' + c.author.email, text: c.author.email }));
  const site = safeUrl(c.author.website || '');
  if (site) parts.push(h('a', { href: site, rel: 'nofollow noopener noreferrer', text: c.author.website }));
  if (c.ip_hash) parts.push(h('span', {}, 'IP hash ', h('code', { text: c.ip_hash })));
  const page = safeUrl(c.thread.url || '');
  const pageName = c.thread.title || c.thread.url || c.thread.key;
  parts.push(h('span', {}, 'on ', page ? h('a', { href: page, rel: 'noopener noreferrer', text: pageName }) : pageName,
    ` (site ${c.thread.site}${c.thread.locked ? ', locked' : ''})`));
  parts.push(h('span', {}, 'posted ', when(c.created)));
  if (c.edited) parts.push(h('span', {}, 'edited ', when(c.edited)));
  const p = h('p', { class: 'meta' });
  parts.forEach((part, i) => p.append(...(i ? [' · ', part] : [part])));
  return p;
}

/** The row of comment `c`. `list` is the list it is in: {selected (Set),
 *  onSelect(), moderate(ids, action, box, button), replace(old, c)}. */
export function commentRow(c, list) {
  const name = authorName(c);
  const titleId = uid('c');
  const select = h('input', { type: 'checkbox', id: uid(), value: String(c.id), checked: list.selected.has(c.id) });
  select.addEventListener('change', () => {
    if (select.checked) list.selected.add(c.id);
    else list.selected.delete(c.id);
    list.onSelect();
  });
  const box = errorBox();
  const note = h('p', { class: 'note' });
  const preview = h('div', { class: 'preview' });
  // The server's sanitised rendering of the comment: the one place for innerHTML.
  preview.innerHTML = c.html;
  if (!c.text) preview.append(h('p', { class: 'hint', text: 'Deleted by its author: nothing is kept to restore.' }));

  const buttons = actionsFor(c).map((a) => h('button', {
    type: 'button',
    class: a === 'approve' || a === 'restore' ? 'primary' : a === 'delete' ? 'danger' : '',
    'data-action': a,
    onclick: (e) => list.moderate([c.id], a, box, e.currentTarget),
  }, ACTION[a], hidden(` comment by ${name}`)));

  const edit = h('button', { type: 'button', 'aria-expanded': 'false' }, 'Edit', hidden(` comment by ${name}`));
  const ban = h('button', { type: 'button', 'aria-expanded': 'false' }, 'Ban author', hidden(` ${name}`));
  const editForm = editor(c, list, edit, box);
  const banForm = banner(c, ban, note);
  edit.setAttribute('aria-controls', editForm.id);
  ban.setAttribute('aria-controls', banForm.id);
  edit.addEventListener('click', () => toggle(edit, editForm, 'textarea'));
  ban.addEventListener('click', () => toggle(ban, banForm, 'input:not([disabled])'));
  if (c.text) buttons.push(edit);
  buttons.push(ban);
  const reply = replyTool(c, name, list, toggle, close);
  if (reply) buttons.push(reply.opener);
  const pin = pinButton(c, name, list, box);
  if (pin) buttons.push(pin);

  const row = h('li', { class: 'comment', 'data-id': String(c.id) },
    h('article', { 'aria-labelledby': titleId },
      h('div', { class: 'row-head' },
        h('div', { class: 'check' }, select, h('label', { for: select.id }, 'Select', hidden(` comment by ${name}`))),
        h('h2', { id: titleId }, name),
        h('span', { class: 'badge badge-' + c.status, text: STATUS[c.status] || c.status }),
        marks(c)),
      meta(c),
      heldReason(c),
      preview,
      h('div', { class: 'actions' }, buttons),
      box.el,
      note,
      editForm,
      reply?.form,
      banForm));
  return row;
}

/** Opens or closes a form under a button and moves the focus sensibly. */
function toggle(button, form, first) {
  const open = form.hidden;
  form.hidden = !open;
  button.setAttribute('aria-expanded', String(open));
  if (open) form.querySelector(first)?.focus();
}

function close(button, form) {
  form.hidden = true;
  button.setAttribute('aria-expanded', 'false');
  button.focus();
}

/** The inline editor of a comment's text. */
function editor(c, list, opener, rowBox) {
  const box = errorBox();
  const text = h('textarea', { name: 'text', rows: '6', value: c.text });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save', hidden(' the edited comment'));
  const form = h('form', { class: 'inline-form', id: uid('edit'), hidden: true },
    field('Comment text', text, 'As the author wrote it (Markdown). natter renders it again when you save.'),
    box.el,
    h('div', { class: 'actions' }, save,
      h('button', { type: 'button', text: 'Cancel', onclick: () => { text.value = c.text; clearErrors(form, box); close(opener, form); } })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(save, async () => {
      clearErrors(form, box);
      rowBox.clear();
      try {
        const r = await api.patch(`comments/${c.id}`, { text: text.value });
        list.replace(c, r.comment);
        announce('The comment is saved.');
      } catch (err) {
        formError(form, box, err);
      }
    });
  });
  return form;
}

/** The form that bans a comment's author by IP hash, email or identity. */
function banner(c, opener, note) {
  const box = errorBox();
  const radio = (value, label, detail) => {
    const input = h('input', { type: 'radio', name: 'kind', value, id: uid(), disabled: !detail });
    return h('div', { class: 'check' }, input,
      h('label', { for: input.id, text: detail ? `${label} (${detail})` : `${label} (not known)` }));
  };
  const reason = h('input', { name: 'reason', maxlength: '500', autocomplete: 'off' });
  const days = h('input', { name: 'days', inputmode: 'numeric', autocomplete: 'off', size: '6' });
  const submit = h('button', { type: 'submit', class: 'danger' }, 'Ban', hidden(` ${authorName(c)}`));
  const kinds = h('fieldset', {},
    h('legend', { text: 'Ban by' }),
    radio('ip', 'IP hash', c.ip_hash && c.ip_hash.slice(0, 12) + '…'),
    radio('email', 'Email address', c.author.email),
    c.identity ? radio('identity', 'Signed-in identity', `${c.provider || 'provider'} account of ${authorName(c)}`) : null);
  const form = h('form', { class: 'inline-form', id: uid('ban'), hidden: true },
    h('h3', { text: `Ban ${authorName(c)}` }),
    h('p', { class: 'hint', text: 'A banned author can no longer post on any site. Their comments stay as they are.' }),
    kinds,
    field('Reason (optional, for other moderators)', reason),
    field('Days', days, 'Leave empty for a ban without end.'),
    box.el,
    h('div', { class: 'actions' }, submit,
      h('button', { type: 'button', text: 'Cancel', onclick: () => { clearErrors(form, box); close(opener, form); } })));
  const first = kinds.querySelector('input:not([disabled])');
  if (first) first.checked = true;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(submit, async () => {
      clearErrors(form, box);
      const kind = form.elements.namedItem('kind').value;
      if (!kind) return box.show('This comment has neither an IP hash nor an email address to ban.');
      const body = { kind, comment_id: c.id, reason: reason.value.trim() };
      const d = days.value.trim();
      if (d) {
        if (!/^\d+$/.test(d) || +d < 1) {
          fieldError(days, 'Enter a whole number of days, like 30, or leave it empty.');
          return days.focus();
        }
        body.days = +d;
      }
      try {
        await api.post('bans', body);
        const what = { ip: 'IP hash', email: 'email address', identity: 'signed-in identity' }[kind];
        const message = `${authorName(c)} is banned by ${what} ${d ? `for ${d} day${+d === 1 ? '' : 's'}` : 'with no end'}.`;
        note.textContent = message;
        reason.value = '';
        days.value = '';
        close(opener, form);
        announce(message);
      } catch (err) {
        formError(form, box, err);
      }
    });
  });
  return form;
}
