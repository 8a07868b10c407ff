// Sign-in providers, in the Sites section: those of natter.toml (shown
// only), and those added here, changed and deleted. A client secret is
// never shown again after saving; leaving it empty keeps it.

import { api } from './api.js';
import { h, uid, hidden, announce, errorBox, formError, fieldError, clearErrors, field, select, busy } from './ui.js';

const KINDS = [['oidc', 'OpenID Connect (by issuer)'], ['oauth2', 'OAuth2 with a user-info address'], ['email', 'A sign-in link by email']];
const kindName = (k) => (KINDS.find(([v]) => v === k) || [k, k])[1];
const FIELDS = [
  ['subject', 'Field of the account’s unique id', 'id'],
  ['name', 'Field of the display name', 'name'],
  ['email', 'Field of the email address', 'email'],
  ['email_verified', 'Field saying the email is verified', 'email_verified'],
  ['profile', 'Field of the profile address', 'profile'],
];

/** The form of provider `p` (null for a new one). */
function providerForm(p, done, cancel) {
  const isNew = !p;
  const box = errorBox();
  const input = (name, value, attrs = {}) => h('input', { name, value: value || '', autocomplete: 'off', spellcheck: 'false', ...attrs });
  const id = input('provider.id', p?.id);
  const kind = select('provider.kind', KINDS, p?.kind || 'oidc');
  const name = input('provider.name', p?.name, { spellcheck: 'true' });
  const issuer = input('provider.issuer', p?.issuer);
  const clientId = input('provider.client_id', p?.client_id);
  const secret = input('provider.client_secret', '', { type: 'password', autocomplete: 'new-password' });
  const scopes = input('provider.scopes', (p?.scopes || []).join(' '));
  const urls = ['authorize_url', 'token_url', 'userinfo_url'].map((k) => input('provider.' + k, p?.[k]));
  const fields = FIELDS.map(([k, , dflt]) => input('provider.fields.' + k, p?.fields?.[k] || dflt));
  const secretHint = p?.client_secret_set
    ? 'A secret is saved. Leave this empty to keep it, or type a new one.'
    : 'As the provider gave it when you registered natter. It is not shown again.';
  const oidcPart = h('div', {}, field('Issuer', issuer, 'Like https://gitlab.com: natter reads the rest from its discovery document.'));
  const oauthPart = h('fieldset', {}, h('legend', { text: 'OAuth2 addresses and fields' }),
    field('Authorize address', urls[0]), field('Token address', urls[1]), field('User-info address', urls[2]),
    FIELDS.map(([, label], i) => field(label, fields[i])));
  const clientPart = h('div', {},
    field('Client id', clientId),
    field('Client secret', secret, secretHint),
    field('Scopes', scopes, 'Separated by spaces. Leave empty for the usual ones.'));
  const save = h('button', { type: 'submit', class: 'primary' }, isNew ? 'Add provider' : 'Save', isNew ? null : hidden(` provider ${p.id}`));
  const form = h('form', { class: 'inline-form', id: uid('prov'), hidden: !isNew },
    isNew ? field('Id', id, 'Letters, digits, - and _, like gitlab. It is part of the redirect address and cannot be changed.') : null,
    field('Kind', kind),
    field('Name on the button', name, 'Readers see “Sign in with” and this name, like GitLab.'),
    oidcPart, oauthPart, clientPart,
    box.el,
    h('div', { class: 'actions' }, save,
      h('button', { type: 'button', text: 'Cancel', onclick: () => { clearErrors(form, box); cancel(); } })));

  function showKind() {
    oidcPart.hidden = kind.value !== 'oidc';
    oauthPart.hidden = kind.value !== 'oauth2';
    clientPart.hidden = kind.value === 'email';
  }
  kind.addEventListener('change', showKind);
  showKind();

  function read() {
    const pid = isNew ? id.value.trim() : p.id;
    if (!pid) {
      fieldError(id, 'Give the provider an id, like gitlab.');
      id.focus();
      return null;
    }
    const k = kind.value;
    const body = { id: pid, kind: k, name: name.value.trim() };
    if (k === 'email') return body;
    body.client_id = clientId.value.trim();
    if (secret.value) body.client_secret = secret.value;
    const sc = scopes.value.trim().split(/\s+/).filter(Boolean);
    if (sc.length) body.scopes = sc;
    if (k === 'oidc') body.issuer = issuer.value.trim();
    if (k === 'oauth2') {
      ['authorize_url', 'token_url', 'userinfo_url'].forEach((key, i) => { body[key] = urls[i].value.trim(); });
      body.fields = Object.fromEntries(FIELDS.map(([key], i) => [key, fields[i].value.trim()]));
    }
    return body;
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(save, async () => {
      clearErrors(form, box);
      const body = read();
      if (!body) return;
      try {
        const r = isNew
          ? await api.post('providers', body)
          : await api.put('providers/' + encodeURIComponent(body.id), body);
        secret.value = '';
        await done(r.provider);
        announce(isNew ? `The provider ${r.provider.name} is added.` : `The provider ${r.provider.name} is saved.`);
      } catch (err) {
        formError(form, box, err);
      }
    });
  });
  return form;
}

/** The providers part of the Sites section; `changed()` runs after each change. */
export function providersPart(changed) {
  const head = h('h2', { id: uid('h'), text: 'Sign-in providers' });
  const loadBox = errorBox();
  const list = h('ul', { class: 'cards' });
  const add = h('button', { type: 'button', 'aria-expanded': 'false', text: 'Add a provider' });
  const addArea = h('div', { class: 'add', id: uid('add'), hidden: true });
  add.setAttribute('aria-controls', addArea.id);

  function closeAdd() {
    addArea.hidden = true;
    addArea.replaceChildren();
    add.setAttribute('aria-expanded', 'false');
  }
  add.addEventListener('click', () => {
    if (!addArea.hidden) return closeAdd();
    const form = providerForm(null, async (saved) => {
      closeAdd();
      await load(saved.id);
      changed();
    }, () => { closeAdd(); add.focus(); });
    addArea.replaceChildren(h('h3', { text: 'New provider' }), form);
    addArea.hidden = false;
    add.setAttribute('aria-expanded', 'true');
    form.querySelector('input').focus();
  });

  function card(p) {
    const titleId = uid('p');
    const box = errorBox();
    const facts = [kindName(p.kind), p.issuer, p.client_id && `client id ${p.client_id}`,
      p.kind !== 'email' && (p.client_secret_set ? 'secret set' : 'no secret')].filter(Boolean);
    const parts = [
      h('h3', { id: titleId, text: `${p.name} (${p.id})` }),
      h('p', { class: 'meta', text: facts.join(' · ') }),
    ];
    if (p.from_config) {
      parts.push(h('p', { class: 'hint', text: 'From natter.toml: change it there.' }));
    } else {
      const edit = h('button', { type: 'button', 'aria-expanded': 'false' }, 'Edit', hidden(` provider ${p.id}`));
      const del = h('button', { type: 'button', class: 'danger' }, 'Delete', hidden(` provider ${p.id}`));
      const close = () => {
        form.hidden = true;
        edit.setAttribute('aria-expanded', 'false');
        edit.focus();
      };
      const form = providerForm(p, async (saved) => {
        await load(saved.id);
        changed();
      }, close);
      edit.setAttribute('aria-controls', form.id);
      edit.addEventListener('click', () => {
        if (!form.hidden) return close();
        form.hidden = false;
        edit.setAttribute('aria-expanded', 'true');
        form.querySelector('input, select').focus();
      });
      del.addEventListener('click', () => busy(del, async () => {
        box.clear();
        try {
          await api.del('providers/' + encodeURIComponent(p.id));
          announce(`The provider ${p.name} is deleted.`);
          await load();
          add.focus();
          changed();
        } catch (e) {
          box.show(e.message);
        }
      }));
      parts.push(h('div', { class: 'actions' }, edit, del), box.el, form);
    }
    return h('li', { class: 'card', 'data-id': p.id }, h('article', { 'aria-labelledby': titleId }, parts));
  }

  /** Loads the list; the focus goes to the Edit button of `focusId`. */
  async function load(focusId) {
    loadBox.clear();
    try {
      const r = await api.get('providers');
      list.replaceChildren(...r.providers.map(card));
      if (!r.providers.length) list.append(h('li', { text: 'No providers yet: readers comment as guests.' }));
      if (focusId) list.querySelector(`[data-id="${CSS.escape(focusId)}"] button`)?.focus();
    } catch (e) {
      loadBox.show(e.message);
    }
  }

  return {
    el: h('div', { class: 'providers' }, head,
      h('p', { class: 'intro', text: 'How readers may sign in to comment. A site offers the ones its sign-in list names.' }),
      h('div', { class: 'actions' }, add), addArea, loadBox.el, list),
    load,
  };
}
