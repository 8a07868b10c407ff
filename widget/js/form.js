// The comment form: new comment, reply or edit. It owns the reader's text,
// keeps it as a draft on every keystroke and clears it only once the server
// took it, so no failure can lose it.

import { h, btn, bodies } from './view.js';
import { explain } from './i18n.js';
import { store } from './api.js';

let seq = 0;

/** `o`: {s, cfg, kind: 'new'|'reply'|'edit', key (draft), title, text (edit),
 *  preview(text) -> html, submit(values) -> Promise, cancel()}. */
export function form(o) {
  const { s, cfg } = o;
  const id = 'n' + ++seq;
  const full = o.kind !== 'edit';
  const who = store.read('author', {});
  const fields = {};
  const alert = h('p', { class: 'n-err', role: 'alert', part: 'error' });

  function field(name, input, hint, need) {
    const err = h('p', { class: 'n-err', id: `${id}${name}e`, hidden: true, part: 'error' });
    const help = hint && h('p', { class: 'n-hint', id: `${id}${name}h`, text: hint });
    Object.assign(input, { id: id + name, name });
    input.setAttribute('aria-describedby', (help ? help.id + ' ' : '') + err.id);
    if (need) input.setAttribute('aria-required', 'true');
    fields[name] = { input, err };
    const label = s.t(name === 'text' ? 'comment' : name) + (name === 'text' ? '' : ' ' + s.t(need ? 'required' : 'optional'));
    return h('div', { class: 'n-f n-f-' + name }, h('label', { for: input.id, text: label }), help, input, err);
  }

  const text = h('textarea', { rows: 5, part: 'textarea', dir: 'auto' });
  text.value = full ? store.read('draft:' + o.key, '') : o.text;
  text.oninput = () => full && store.write('draft:' + o.key, text.value);
  const shown = h('div', { class: 'n-prev n-body', hidden: true, part: 'preview', tabindex: -1 });
  const previewBtn = btn(s.t('preview'), { onclick: preview });
  const submitBtn = h('button', { class: 'n-primary', part: 'button', text: s.t(full ? 'post' : 'save') });

  const person = full && ['name', 'email', 'website'].map((k) => {
    const input = h('input', { type: k === 'name' ? 'text' : k === 'email' ? 'email' : 'url', autocomplete: k === 'website' ? 'url' : k, part: 'input', dir: 'auto' });
    input.value = who[k] || '';
    input.oninput = () => store.write('author', Object.assign(who, { [k]: input.value.trim() }));
    const hint = k === 'email' && s.t(cfg.email_notifications ? 'emailHint' : 'emailHintOff');
    return field(k, input, hint, k !== 'website' && cfg['require_' + k]);
  });
  const notify = full && cfg.email_notifications && h('div', { class: 'n-f n-notify' },
    ['replies', 'thread'].map((k) => {
      const box = h('input', { type: 'checkbox', id: id + k });
      fields[k] = { input: box };
      return h('div', null, box, h('label', { for: box.id, text: s.t(k === 'replies' ? 'notifyReplies' : 'notifyThread') }));
    }),
    h('p', { class: 'n-hint', text: s.t('confirmHint') }));

  const el = h('form', { class: 'n-form', 'data-kind': o.kind, novalidate: true, part: 'form', 'aria-labelledby': id + 't' },
    h('h3', { id: id + 't', text: o.title }),
    field('text', text, s.t('md'), true),
    shown,
    person && h('div', { class: 'n-who-f' }, person),
    notify,
    alert,
    h('div', { class: 'n-btns' }, submitBtn, previewBtn, o.cancel && btn(s.t('cancel'), { onclick: o.cancel })));
  if (o.cancel) el.onkeydown = (e) => e.key === 'Escape' && o.cancel();

  async function preview() {
    if (!shown.hidden) return write(true);
    alert.textContent = '';
    try {
      shown.replaceChildren(...bodies([await o.preview(text.value)])[0].childNodes);
      shown.hidden = false;
      text.parentNode.hidden = true;
      previewBtn.textContent = s.t('keepWriting');
      shown.focus();
    } catch (e) {
      alert.textContent = explain(s, e);
    }
  }

  /** Back from the preview to the text area. */
  function write(focus) {
    shown.hidden = true;
    text.parentNode.hidden = false;
    previewBtn.textContent = s.t('preview');
    if (focus) text.focus();
  }

  function values() {
    const v = { text: text.value };
    if (!full) return v;
    for (const k of ['name', 'email', 'website']) v[k] = fields[k].input.value.trim();
    // Most people type "example.org"; the server wants a full address.
    if (v.website && !/^[a-z][\w+.-]*:/i.test(v.website)) v.website = 'https://' + v.website;
    if (notify) v.notify = { replies: fields.replies.input.checked, thread: fields.thread.input.checked };
    return v;
  }

  /** [field, message] for each mistake the widget can see before sending. */
  function check(v) {
    const bad = [];
    const limits = cfg.limits || {};
    if (!v.text.trim()) bad.push(['text', s.t('eText')]);
    for (const k in v) {
      const max = limits[k + '_max'];
      if (max && [...v[k]].length > max) bad.push([k, s.t('eLong', { n: max })]);
    }
    if (!full) return bad;
    for (const k of ['name', 'email']) if (cfg['require_' + k] && !v[k]) bad.push([k, s.t('eReq')]);
    if (v.notify && (v.notify.replies || v.notify.thread) && !v.email) bad.push(['email', s.t('eNotify')]);
    if (v.email && fields.email.input.validity.typeMismatch) bad.push(['email', s.t('eEmail')]);
    if (v.website && !/^https?:\/\/[^\s/]+\.\S+$/i.test(v.website)) bad.push(['website', s.t('eUrl')]);
    return bad;
  }

  /** Shows each [field, message] beside its field, and focuses the first. */
  function show(bad) {
    for (const k in fields) {
      const { input, err } = fields[k];
      const hit = bad.find((b) => b[0] === k);
      if (!err) continue;
      err.hidden = !hit;
      err.textContent = hit ? hit[1] : '';
      input.setAttribute('aria-invalid', !!hit);
    }
    if (bad[0]) {
      write();
      fields[bad[0][0]].input.focus();
    }
  }

  let busy = false;
  el.onsubmit = async (e) => {
    e.preventDefault();
    // A double click, or Enter pressed twice, must not post twice.
    if (busy) return;
    const v = values();
    const bad = check(v);
    show(bad);
    alert.textContent = '';
    if (bad.length) return;
    busy = true;
    el.setAttribute('aria-busy', 'true');
    submitBtn.textContent = s.t('posting');
    try {
      await o.submit(v);
      if (full) store.write('draft:' + o.key);
      text.value = '';
      write();
    } catch (err) {
      const msg = explain(s, err);
      if (fields[err.field]) show([[err.field, msg]]);
      else alert.textContent = msg;
    }
    busy = false;
    el.removeAttribute('aria-busy');
    submitBtn.textContent = s.t(full ? 'post' : 'save');
  };

  return { el, focus: () => text.focus() };
}
