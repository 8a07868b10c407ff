// Small DOM helpers shared by the admin page's sections: building elements,
// dates in words, the status region, and errors shown beside their cause.

/** Builds an element: `attrs` keys are properties (class, text, onclick…)
 *  or, when not a property, attributes; children are nodes or strings. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'for') el.htmlFor = v;
    else if (k === 'value') el.value = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c != null && c !== false) el.append(c);
  return el;
}

let ids = 0;
/** A fresh id for label/aria wiring. */
export const uid = (p = 'f') => `${p}-${++ids}`;

/** Text only screen readers hear. */
export const hidden = (text) => h('span', { class: 'vh', text });

const rel = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const abs = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const units = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]];

/** A date from an RFC 3339 string, as every answer gives times. */
export function toDate(t) {
  return new Date(t);
}

/** "3 minutes ago", "in 7 days". */
export function ago(t) {
  const secs = (toDate(t).getTime() - Date.now()) / 1000;
  for (const [unit, size] of units) {
    if (Math.abs(secs) >= size) return rel.format(Math.round(secs / size), unit);
  }
  return secs > 0 ? 'in under a minute' : 'just now';
}

/** A <time> saying the date in words, with the full date beside it on hover. */
export function when(t) {
  const d = toDate(t);
  if (Number.isNaN(d.getTime())) return h('span', { text: 'unknown time' });
  return h('time', { datetime: d.toISOString(), title: abs.format(d), text: ago(t) });
}

let statusTimer;
/** Says something in the page's live region. */
export function announce(message) {
  const region = document.getElementById('status');
  clearTimeout(statusTimer);
  region.textContent = '';
  // A short pause so that the same message twice is read twice.
  statusTimer = setTimeout(() => { region.textContent = message; }, 50);
}

/** An error box to place beside a control; filled by `show`, emptied by `clear`. */
export function errorBox() {
  const box = h('p', { class: 'error', role: 'alert', id: uid('err') });
  box.hidden = true;
  return {
    el: box,
    show(message) { box.textContent = message; box.hidden = false; },
    clear() { box.textContent = ''; box.hidden = true; },
  };
}

/** Shows an API error in a form: beside the field it names when the form
 *  has one (by name), otherwise in the form's own box. */
export function formError(form, box, err) {
  const field = err.field && form.elements.namedItem(err.field);
  if (field && field.id) {
    fieldError(field, err.message);
    field.focus();
  } else {
    box.show(err.message);
  }
}

/** Marks a field wrong with a message right after it. */
export function fieldError(field, message) {
  const wrap = field.closest('.field') || field.parentElement;
  let p = wrap.querySelector(':scope > .error');
  if (!p) {
    p = h('p', { class: 'error', id: field.id + '-error' });
    wrap.append(p);
  }
  p.textContent = message;
  field.setAttribute('aria-invalid', 'true');
  const described = (field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  if (!described.includes(p.id)) field.setAttribute('aria-describedby', [...described, p.id].join(' '));
}

/** Takes every field error off a form. */
export function clearErrors(form, box) {
  box?.clear();
  for (const p of form.querySelectorAll('.field > .error')) {
    const field = form.querySelector(`[aria-describedby~="${p.id}"]`);
    if (field) {
      field.removeAttribute('aria-invalid');
      const rest = field.getAttribute('aria-describedby').split(' ').filter((x) => x !== p.id);
      if (rest.length) field.setAttribute('aria-describedby', rest.join(' '));
      else field.removeAttribute('aria-describedby');
    }
    p.remove();
  }
}

/** A labelled field: `control` is an input, select or textarea; `hint`
 *  is an optional sentence below the label. */
export function field(label, control, hint) {
  control.id ||= uid();
  const parts = [h('label', { for: control.id, text: label })];
  if (hint) {
    const hintEl = h('p', { class: 'hint', id: control.id + '-hint', text: hint });
    control.setAttribute('aria-describedby', hintEl.id);
    parts.push(hintEl);
  }
  return h('div', { class: 'field' }, parts, control);
}

/** A checkbox with its label after it. */
export function checkbox(label, attrs = {}) {
  const input = h('input', { type: 'checkbox', id: uid(), ...attrs });
  return { input, el: h('div', { class: 'field check' }, input, h('label', { for: input.id, text: label })) };
}

/** A <select> of [value, text] pairs. */
export function select(name, options, value) {
  const s = h('select', { name }, options.map(([v, t]) => h('option', { value: v, text: t })));
  if (value != null) s.value = value;
  return s;
}

/** Runs `work` once at a time for `button`: a second press while it runs
 *  does nothing. (The button stays enabled so that it keeps the focus.) */
export async function busy(button, work) {
  if (button.getAttribute('aria-disabled') === 'true') return undefined;
  const form = button.form;
  button.setAttribute('aria-disabled', 'true');
  form?.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.removeAttribute('aria-disabled');
    form?.removeAttribute('aria-busy');
  }
}

/** A section's page heading, focusable so that moving here can put focus on it. */
export function heading(text, level = 'h1') {
  return h(level, { tabindex: '-1', text });
}

/** "1 comment", "3 comments". */
export const plural = (n, one, many = one + 's') => `${n} ${n === 1 ? one : many}`;
