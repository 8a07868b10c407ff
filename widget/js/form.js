// The comment form, used for a new comment, a reply and an edit. It owns the
// reader's text: kept as a draft on every keystroke, cleared only after the
// server accepted it, so no failure can lose it.

import { h, safeHtml } from './view.js';
import { explain } from './i18n.js';
import * as store from './store.js';

let seq = 0;

/** `o`: {s, cfg, kind: 'new'|'reply'|'edit', draftKey, title, text, preview(text),
 *  submit(values) -> Promise, cancel()}. Returns {el, focus()}. */
export function form(o) {
  const { s, cfg } = o;
  const id = 'n' + ++seq;
  const limits = cfg.limits || {};
  const full = o.kind !== 'edit';
  const fields = {};
  const alert = h('p', { class: 'n-err', role: 'alert', id: id + '-e', part: 'error' });

  function field(name, label, input, hint, need) {
    const err = h('p', { class: 'n-err', id: `${id}-${name}-e`, hidden: true, part: 'error' });
    const hintEl = hint && h('p', { class: 'n-hint', id: `${id}-${name}-h`, text: hint });
    Object.assign(input, { id: `${id}-${name}`, name });
    input.setAttribute('aria-describedby', [hintEl && hintEl.id, err.id].filter(Boolean).join(' '));
    if (need) input.setAttribute('aria-required', 'true');
    fields[name] = { input, err };
    const mark = name === 'text' ? '' : ' ' + s.t(need ? 'required' : 'optional');
    return h('div', { class: 'n-f n-f-' + name }, h('label', { for: input.id, text: s.t(label) + mark }), hintEl, input, err);
  }

  const saved = store.author();
  const text = h('textarea', { rows: 5, part: 'textarea', dir: 'auto' });
  text.value = o.text != null ? o.text : store.draft(o.draftKey);
  text.addEventListener('input', () => o.kind !== 'edit' && store.setDraft(o.draftKey, text.value));
  const previewBox = h('div', { class: 'n-prev n-body', hidden: true, part: 'preview', tabindex: -1 });

  const who = () => ['name', 'email', 'website'].map((k) => {
    const inp = h('input', {
      type: k === 'website' ? 'url' : k === 'email' ? 'email' : 'text',
      autocomplete: k === 'website' ? 'url' : k, part: 'input', dir: 'auto',
    });
    inp.value = saved[k] || '';
    inp.addEventListener('input', () => {
      saved[k] = inp.value.trim();
      store.setAuthor(saved);
    });
    const need = k !== 'website' && cfg['require_' + k];
    const hint = k === 'email' ? s.t(cfg.email_notifications ? 'emailHint' : 'emailHintOff') : null;
    return field(k, k, inp, hint, need);
  });
  const checks = full && cfg.email_notifications
    ? h('div', { class: 'n-f n-notify' },
      ...['replies', 'thread'].map((k) => {
        const box = h('input', { type: 'checkbox', name: 'notify-' + k, id: `${id}-n-${k}` });
        fields['notify-' + k] = { input: box };
        return h('div', null, box, h('label', { for: box.id, text: s.t(k === 'replies' ? 'notifyReplies' : 'notifyThread') }));
      }),
      h('p', { class: 'n-hint', text: s.t('confirmHint') }))
    : null;

  const submitBtn = h('button', { type: 'submit', class: 'n-primary', part: 'button', text: s.t(o.kind === 'edit' ? 'save' : 'post') });
  const previewBtn = h('button', { type: 'button', part: 'button', text: s.t('preview'), onclick: togglePreview });
  const el = h('form', { class: 'n-form', 'data-kind': o.kind, novalidate: true, part: 'form', 'aria-labelledby': id + '-t' },
    h('h3', { id: id + '-t', class: 'n-ftitle', text: o.title }),
    field('text', 'comment', text, s.t('md'), true),
    previewBox,
    full ? h('div', { class: 'n-who-f' }, ...who()) : null,
    checks,
    alert,
    h('div', { class: 'n-btns' }, submitBtn, previewBtn,
      o.cancel ? h('button', { type: 'button', part: 'button', text: s.t('cancel'), onclick: o.cancel }) : null));
  if (o.cancel) el.addEventListener('keydown', (e) => e.key === 'Escape' && o.cancel());

  async function togglePreview() {
    if (!previewBox.hidden) return showText(true);
    alert.textContent = '';
    try {
      const html = await o.preview(text.value);
      previewBox.replaceChildren(safeHtml(html));
      previewBox.hidden = false;
      fields.text.input.parentNode.hidden = true;
      previewBtn.textContent = s.t('keepWriting');
      previewBox.focus();
    } catch (e) {
      alert.textContent = explain(s, e);
    }
  }

  function showText(focus) {
    previewBox.hidden = true;
    fields.text.input.parentNode.hidden = false;
    previewBtn.textContent = s.t('preview');
    if (focus) text.focus();
  }

  function values() {
    const v = { text: text.value };
    if (!full) return v;
    for (const k of ['name', 'email', 'website']) v[k] = fields[k].input.value.trim();
    // Most people type "example.org"; the server wants a full address.
    if (v.website && !/^[a-z][\w+.-]*:/i.test(v.website)) v.website = 'https://' + v.website;
    if (checks) v.notify = { replies: fields['notify-replies'].input.checked, thread: fields['notify-thread'].input.checked };
    return v;
  }

  function check(v) {
    const bad = [];
    const max = (k, n) => n && [...(v[k] || '')].length > n && bad.push([k, s.t('eLong', { n })]);
    if (!v.text.trim()) bad.push(['text', s.t('eText')]);
    max('text', limits.text_max);
    if (!full) return bad;
    for (const k of ['name', 'email']) if (cfg['require_' + k] && !v[k]) bad.push([k, s.t('eReq')]);
    if (!v.email && v.notify && (v.notify.replies || v.notify.thread)) bad.push(['email', s.t('eNotify')]);
    else if (v.email && fields.email.input.validity.typeMismatch) bad.push(['email', s.t('eEmail')]);
    if (v.website && !/^https?:\/\/[^\s/]+\.\S+$/i.test(v.website)) bad.push(['website', s.t('eUrl')]);
    max('name', limits.name_max);
    max('email', limits.email_max);
    max('website', limits.website_max);
    return bad;
  }

  /** Shows each [field, message] beside its field and focuses the first. */
  function show(bad) {
    for (const k in fields) {
      const f = fields[k];
      if (!f.err) continue;
      const hit = bad.find((b) => b[0] === k);
      f.err.hidden = !hit;
      f.err.textContent = hit ? hit[1] : '';
      f.input.setAttribute('aria-invalid', String(!!hit));
    }
    if (bad.length) {
      if (!previewBox.hidden) showText();
      fields[bad[0][0]].input.focus();
    }
  }

  let busy = false;
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    // A double click (or Enter twice) must not post twice.
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
      if (o.kind !== 'edit') store.setDraft(o.draftKey, null);
      text.value = '';
      showText(false);
    } catch (err) {
      if (err.name === 'AbortError') return;
      const msg = explain(s, err);
      if (err.field && fields[err.field] && fields[err.field].err) show([[err.field, msg]]);
      else alert.textContent = msg;
    } finally {
      busy = false;
      el.removeAttribute('aria-busy');
      submitBtn.textContent = s.t(o.kind === 'edit' ? 'save' : 'post');
    }
  });

  return { el, focus: () => text.focus() };
}
