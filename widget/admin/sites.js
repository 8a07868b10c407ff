// The Sites section: the sites natter serves, each with its origins,
// moderation mode, required fields, limits, block list, and who is told of
// new comments (email language, moderators' addresses, webhooks); and a new site.

import { api } from './api.js';
import { h, uid, hidden, heading, announce, errorBox, formError, fieldError, clearErrors, field, checkbox, select, busy } from './ui.js';
import { providersPart } from './providers.js';

const MODES = [
  ['none', 'Publish at once (spam rules may still hold a comment)'],
  ['first', 'Hold a new author’s first comment'],
  ['all', 'Hold every comment'],
];
const modeName = (m) => (MODES.find(([v]) => v === m) || [m, m])[1];
const LANGUAGES = [
  ['en', 'English'], ['de', 'German (Deutsch)'], ['fr', 'French (français)'], ['es', 'Spanish (español)'],
  ['nl', 'Dutch (Nederlands)'], ['pt', 'Portuguese (português)'], ['ar', 'Arabic (العربية)'],
];

/** natter's defaults for a new site. */
const DEFAULTS = {
  moderation: 'none', edit_window_seconds: 900, max_depth: 5, require_name: false, require_email: false,
  keep_query: [], max_links: 2, block_words: [], text_max: 10000, name_max: 80, email_max: 254, website_max: 500,
  language: 'en', moderator_emails: [], webhooks: [], sign_in: [], guests: true, team_badge: 'Blog team',
};

const lines = (s) => s.split(/[\n,]/).map((x) => x.trim()).filter(Boolean);

/** A form for site `site` (null for a new one). `done(saved)` runs after a save. */
function siteForm(site, known, done, cancel) {
  const isNew = !site;
  const s = site ? site.settings : DEFAULTS;
  const box = errorBox();
  const num = (name, value, attrs = {}) => h('input', { name, value: String(value), inputmode: 'numeric', size: '8', autocomplete: 'off', ...attrs });
  const id = h('input', { name: 'id', value: site?.id || '', autocomplete: 'off', spellcheck: 'false' });
  const name = h('input', { name: 'name', value: site?.name || '', autocomplete: 'off' });
  const origins = h('textarea', { name: 'origins', rows: '3', spellcheck: 'false', value: (site?.origins || []).join('\n') });
  const mode = select('settings.moderation', MODES, s.moderation);
  const reqName = checkbox('Authors must give a name', { name: 'settings.require_name', checked: s.require_name });
  const reqEmail = checkbox('Authors must give an email address', { name: 'settings.require_email', checked: s.require_email });
  const minutes = +(s.edit_window_seconds / 60).toFixed(2);
  const edit = num('settings.edit_window_seconds', minutes, { inputmode: 'decimal' });
  const depth = num('settings.max_depth', s.max_depth);
  const links = num('settings.max_links', s.max_links);
  const words = h('textarea', { name: 'settings.block_words', rows: '3', value: s.block_words.join('\n') });
  const keep = h('input', { name: 'settings.keep_query', value: s.keep_query.join(', '), autocomplete: 'off', spellcheck: 'false' });
  const language = select('settings.language', LANGUAGES, s.language);
  const mods = h('textarea', { name: 'settings.moderator_emails', rows: '3', spellcheck: 'false', value: s.moderator_emails.join('\n') });
  const hooks = h('textarea', {
    name: 'settings.webhooks', rows: '3', spellcheck: 'false', value: s.webhooks.map((w) => `${w.url} ${w.secret}`).join('\n'),
  });
  const signIn = h('input', { name: 'settings.sign_in', value: (s.sign_in || []).join(', '), autocomplete: 'off', spellcheck: 'false' });
  const guests = checkbox('Guests may comment without signing in', { name: 'settings.guests', checked: s.guests !== false });
  const badge = h('input', { name: 'settings.team_badge', value: s.team_badge ?? 'Blog team', autocomplete: 'off' });
  const limits = [
    ['settings.text_max', 'Longest comment, in characters', s.text_max],
    ['settings.name_max', 'Longest name, in characters', s.name_max],
    ['settings.email_max', 'Longest email address, in characters', s.email_max],
    ['settings.website_max', 'Longest website address, in characters', s.website_max],
  ].map(([n, label, v]) => field(label, num(n, v)));
  const save = h('button', { type: 'submit', class: 'primary' }, isNew ? 'Add site' : 'Save', isNew ? null : hidden(` site ${site.id}`));

  const form = h('form', { class: 'inline-form site-form', id: uid('site'), hidden: !isNew },
    isNew ? field('Id', id, 'A short name for the site: letters, digits and dashes, like blog. It cannot be changed later.') : null,
    field('Name', name),
    field('Origins', origins, 'The addresses the site’s pages are on, one per line, like https://blog.example.org.'),
    h('fieldset', {}, h('legend', { text: 'Moderation' }),
      field('New comments', mode),
      field('Words that hold a comment for a moderator', words, 'One per line, or separated by commas; case does not matter.'),
      field('Links allowed before a comment is held', links)),
    h('fieldset', {}, h('legend', { text: 'Comment form' }),
      reqName.el, reqEmail.el,
      field('Time authors may edit their comment, in minutes', edit),
      field('Reply depth shown indented', depth, 'From 1 to 20; deeper replies are shown flat.'),
      field('Address query parameters that tell pages apart', keep, 'Comma separated, like p, id. Leave empty if the path alone names a page.')),
    h('fieldset', {}, h('legend', { text: 'Sign-in' }),
      field('Sign-in providers offered', signIn, 'Provider ids in the order of their buttons, separated by commas, like gitlab, email. Leave empty for guests only.'),
      guests.el,
      field('Badge on the team’s comments', badge, 'Shown beside replies by moderators, like Blog team.')),
    h('fieldset', {}, h('legend', { text: 'Limits' }), limits),
    h('fieldset', {}, h('legend', { text: 'Email and webhooks' }),
      field('Language of emails', language, 'Also of natter’s own pages, like the one that confirms a reader’s address.'),
      field('Moderators to email about each new comment', mods, 'Email addresses, one per line.'),
      field('Webhooks', hooks, 'One per line: the address (https://…), a space, then a secret of at least 16 characters.')),
    box.el,
    h('div', { class: 'actions' }, save,
      h('button', { type: 'button', text: 'Cancel', onclick: () => { clearErrors(form, box); cancel(); } })));

  /** The form's values as the API takes them, or null after marking a wrong field. */
  function read() {
    let bad = null;
    const whole = (input) => {
      const v = input.value.trim();
      if (/^\d+$/.test(v)) return +v;
      fieldError(input, 'Enter a whole number, like 10.');
      bad ||= input;
      return 0;
    };
    const siteId = isNew ? id.value.trim() : site.id;
    if (isNew && !siteId) {
      fieldError(id, 'Give the site an id, like blog.');
      bad ||= id;
    } else if (isNew && known().some((k) => k.id === siteId)) {
      fieldError(id, 'There is a site with this id already. Edit it in the list instead.');
      bad ||= id;
    }
    let editSeconds = 0;
    if (/^\d+(\.\d+)?$/.test(edit.value.trim())) editSeconds = Math.round(+edit.value.trim() * 60);
    else {
      fieldError(edit, 'Enter a number of minutes, like 15, or 0 to allow no edits.');
      bad ||= edit;
    }
    const settings = {
      // Settings this form does not show are sent back as they were.
      ...(site ? site.settings : {}),
      sign_in: lines(signIn.value),
      guests: guests.input.checked,
      team_badge: badge.value.trim() || 'Blog team',
      moderation: mode.value,
      edit_window_seconds: editSeconds,
      max_depth: whole(depth),
      require_name: reqName.input.checked,
      require_email: reqEmail.input.checked,
      keep_query: lines(keep.value),
      max_links: whole(links),
      block_words: lines(words.value),
      language: language.value,
      moderator_emails: lines(mods.value),
      // A URL may hold commas, so only new lines part webhooks.
      webhooks: hooks.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
        const [url, ...secret] = l.split(/\s+/);
        return { url, secret: secret.join(' ') };
      }),
    };
    for (const key of ['text_max', 'name_max', 'email_max', 'website_max']) {
      settings[key] = whole(form.elements.namedItem('settings.' + key));
    }
    if (bad) {
      bad.focus();
      return null;
    }
    return { id: siteId, name: name.value.trim(), origins: lines(origins.value), settings };
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(save, async () => {
      clearErrors(form, box);
      const body = read();
      if (!body) return;
      try {
        const r = await api.put('sites/' + encodeURIComponent(body.id), body);
        await done(r.site);
        announce(isNew ? `The site ${r.site.name} is added.` : `The site ${r.site.name} is saved.`);
      } catch (err) {
        formError(form, box, err);
      }
    });
  });
  return form;
}

export function sitesSection(ctx) {
  const head = heading('Sites');
  head.id = uid('h');
  const loadBox = errorBox();
  const list = h('ul', { class: 'cards' });
  let sites = [];
  const known = () => sites;

  const providers = providersPart(() => ctx.sitesChanged());
  const add = h('button', { type: 'button', 'aria-expanded': 'false', text: 'Add a site' });
  const addArea = h('div', { class: 'add', id: uid('add'), hidden: true });
  add.setAttribute('aria-controls', addArea.id);
  function closeAdd() {
    addArea.hidden = true;
    addArea.replaceChildren();
    add.setAttribute('aria-expanded', 'false');
  }
  add.addEventListener('click', () => {
    if (!addArea.hidden) {
      closeAdd();
      return;
    }
    const form = siteForm(null, known, async (saved) => {
      closeAdd();
      ctx.sitesChanged();
      await load();
      list.querySelector(`[data-id="${CSS.escape(saved.id)}"] button`)?.focus();
    }, () => { closeAdd(); add.focus(); });
    addArea.replaceChildren(h('h2', { text: 'New site' }), form);
    addArea.hidden = false;
    add.setAttribute('aria-expanded', 'true');
    form.querySelector('input').focus();
  });

  function card(site) {
    const titleId = uid('s');
    const edit = h('button', { type: 'button', 'aria-expanded': 'false' }, 'Edit', hidden(` site ${site.id}`));
    const close = () => {
      form.hidden = true;
      edit.setAttribute('aria-expanded', 'false');
      edit.focus();
    };
    const form = siteForm(site, known, async (saved) => {
      ctx.sitesChanged();
      await load();
      list.querySelector(`[data-id="${CSS.escape(saved.id)}"] button`)?.focus();
    }, close);
    edit.setAttribute('aria-controls', form.id);
    edit.addEventListener('click', () => {
      if (!form.hidden) return close();
      form.hidden = false;
      edit.setAttribute('aria-expanded', 'true');
      form.querySelector('input').focus();
    });
    const st = site.settings;
    const required = [st.require_name && 'name', st.require_email && 'email'].filter(Boolean);
    return h('li', { class: 'card', 'data-id': site.id },
      h('article', { 'aria-labelledby': titleId },
        h('h2', { id: titleId, text: `${site.name} (${site.id})` }),
        h('p', { class: 'meta', text: `Origins: ${site.origins.join(', ')}` }),
        h('p', { class: 'meta', text: `${modeName(st.moderation)}. Required: ${required.join(' and ') || 'nothing'}. `
          + `Edits allowed for ${Math.round(st.edit_window_seconds / 60)} minutes.`
          + (st.block_words.length ? ` ${st.block_words.length} blocked words.` : '') }),
        h('p', { class: 'meta', text: st.sign_in?.length
          ? `Sign-in with ${st.sign_in.join(', ')}${st.guests === false ? '; guests may not comment.' : '; guests welcome.'}`
          : 'Guests only: no sign-in offered.' }),
        h('div', { class: 'actions' }, edit),
        form));
  }

  async function load() {
    loadBox.clear();
    try {
      sites = await ctx.sites();
      list.replaceChildren(...sites.map(card));
      if (!sites.length) list.append(h('li', { text: 'No sites yet. Add one to start.' }));
    } catch (e) {
      loadBox.show(e.message);
    }
  }

  return {
    el: h('section', { 'aria-labelledby': head.id }, head,
      h('p', { class: 'intro', text: 'The sites whose pages natter serves comments on, and how each one is moderated.' }),
      h('div', { class: 'actions' }, add), addArea, loadBox.el, list, providers.el),
    title: 'Sites',
    heading: head,
    show() {
      ctx.sitesChanged();
      load();
      providers.load();
    },
  };
}
