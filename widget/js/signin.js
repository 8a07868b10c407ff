// Signing in: the popup (or this tab) on natter's origin, the token it hands
// back, the signed-in line with its buttons, changing the display name and
// signing out. embed.js loads this module when a reader clicks a sign-in
// button, comes back with `#natter-token=…`, or is already signed in, so that
// reading needs none of it.

let h, btn, store, form, base, READER;

/** Takes what embed.js shares (a classic script cannot export). */
export function use(kit) {
  ({ h, btn, store, form, base, READER } = kit);
}

// The words of signing in, in each language. They live here rather than in
// embed.js's `en` because embed.js is at its size budget (DESIGN §12);
// tests/browser/signin.test.mjs checks that every language has every key
// with the same slots.
export const words = {
  en: {
    signedIn: 'Signed in as {name} with {provider}',
    signOut: 'Sign out',
    signOutAll: 'Sign out everywhere',
    rename: 'Change name',
    newName: 'Your display name',
    opened: 'Sign in in the window that opened. This page waits for you.',
    welcome: 'You are signed in as {name} with {provider}. Your comments carry a verified mark.',
    failed: 'Sign-in did not work: {message}',
    renamed: 'Your name is now {name}.',
    out: 'You are signed out.',
    outAll: 'You are signed out on every device.',
    lost: 'You were signed out. Please sign in again to comment under your name.',
  },
  de: {
    signedIn: 'Angemeldet als {name} mit {provider}',
    signOut: 'Abmelden',
    signOutAll: 'Überall abmelden',
    rename: 'Namen ändern',
    newName: 'Ihr angezeigter Name',
    opened: 'Melden Sie sich im neuen Fenster an. Diese Seite wartet auf Sie.',
    welcome: 'Sie sind als {name} mit {provider} angemeldet. Ihre Kommentare tragen ein Bestätigt-Zeichen.',
    failed: 'Die Anmeldung hat nicht geklappt: {message}',
    renamed: 'Ihr Name ist jetzt {name}.',
    out: 'Sie sind abgemeldet.',
    outAll: 'Sie sind auf allen Geräten abgemeldet.',
    lost: 'Sie wurden abgemeldet. Bitte melden Sie sich neu an, um unter Ihrem Namen zu kommentieren.',
  },
  fr: {
    signedIn: 'Connecté·e en tant que {name} avec {provider}',
    signOut: 'Se déconnecter',
    signOutAll: 'Se déconnecter partout',
    rename: 'Changer de nom',
    newName: 'Votre nom affiché',
    opened: 'Connectez-vous dans la fenêtre qui s’est ouverte. Cette page vous attend.',
    welcome: 'Vous êtes connecté·e en tant que {name} avec {provider}. Vos commentaires portent une marque vérifiée.',
    failed: 'La connexion n’a pas fonctionné : {message}',
    renamed: 'Votre nom est maintenant {name}.',
    out: 'Vous êtes déconnecté·e.',
    outAll: 'Vous êtes déconnecté·e sur tous vos appareils.',
    lost: 'Vous avez été déconnecté·e. Reconnectez-vous pour commenter sous votre nom.',
  },
  es: {
    signedIn: 'Has iniciado sesión como {name} con {provider}',
    signOut: 'Cerrar sesión',
    signOutAll: 'Cerrar sesión en todas partes',
    rename: 'Cambiar el nombre',
    newName: 'Tu nombre visible',
    opened: 'Inicia sesión en la ventana que se abrió. Esta página te espera.',
    welcome: 'Has iniciado sesión como {name} con {provider}. Tus comentarios llevan una marca de verificación.',
    failed: 'No se pudo iniciar sesión: {message}',
    renamed: 'Ahora te llamas {name}.',
    out: 'Has cerrado la sesión.',
    outAll: 'Has cerrado la sesión en todos tus dispositivos.',
    lost: 'Se cerró tu sesión. Vuelve a iniciarla para comentar con tu nombre.',
  },
  nl: {
    signedIn: 'Ingelogd als {name} met {provider}',
    signOut: 'Uitloggen',
    signOutAll: 'Overal uitloggen',
    rename: 'Naam wijzigen',
    newName: 'Je getoonde naam',
    opened: 'Log in in het venster dat is geopend. Deze pagina wacht op je.',
    welcome: 'Je bent ingelogd als {name} met {provider}. Je reacties krijgen een geverifieerd-teken.',
    failed: 'Inloggen is niet gelukt: {message}',
    renamed: 'Je naam is nu {name}.',
    out: 'Je bent uitgelogd.',
    outAll: 'Je bent op al je apparaten uitgelogd.',
    lost: 'Je bent uitgelogd. Log opnieuw in om onder je eigen naam te reageren.',
  },
  pt: {
    signedIn: 'Sessão iniciada como {name} com {provider}',
    signOut: 'Terminar sessão',
    signOutAll: 'Terminar sessão em todo o lado',
    rename: 'Mudar o nome',
    newName: 'O seu nome visível',
    opened: 'Inicie sessão na janela que se abriu. Esta página espera por si.',
    welcome: 'Iniciou sessão como {name} com {provider}. Os seus comentários têm uma marca de verificação.',
    failed: 'Não foi possível iniciar sessão: {message}',
    renamed: 'O seu nome é agora {name}.',
    out: 'Terminou a sessão.',
    outAll: 'Terminou a sessão em todos os seus dispositivos.',
    lost: 'A sua sessão terminou. Inicie sessão de novo para comentar com o seu nome.',
  },
  ar: {
    signedIn: 'سجّلت الدخول باسم {name} عبر {provider}',
    signOut: 'تسجيل الخروج',
    signOutAll: 'تسجيل الخروج من كل الأجهزة',
    rename: 'تغيير الاسم',
    newName: 'اسمك الظاهر',
    opened: 'سجّل الدخول في النافذة التي فُتحت. هذه الصفحة تنتظرك.',
    welcome: 'سجّلت الدخول باسم {name} عبر {provider}. تحمل تعليقاتك علامة التحقق.',
    failed: 'لم ينجح تسجيل الدخول: {message}',
    renamed: 'اسمك الآن {name}.',
    out: 'سجّلت الخروج.',
    outAll: 'سجّلت الخروج من كل أجهزتك.',
    lost: 'خرجت من حسابك. سجّل الدخول من جديد لتعلّق باسمك.',
  },
};

/** `key`'s words in the thread's language, {slots} filled from `v`. */
function say(t, key, v = {}) {
  const lang = t.heading.closest('[lang]').lang;
  return (words[lang] || words.en)[key].replace(/\{(\w+)\}/g, (_, k) => v[k]);
}

// The one sign-in being waited for; a new click replaces it.
let waiting;

/** Sends the popup `pop` (opened by the click, so that no popup blocker
 *  stops it) to natter's start of sign-in with provider `id`; when it was
 *  blocked (null), this tab goes, to come back with `#natter-token=…`. */
export function go(t, id, pop) {
  const start = base + 'auth/start/' + id + '?' + new URLSearchParams({ url: t.o.pageUrl });
  if (!pop) {
    location.assign(start + '&' + new URLSearchParams({ return: location.href.split('#')[0] }));
    return;
  }
  pop.location.href = start;
  t.note.textContent = say(t, 'opened');
  waiting?.abort();
  waiting = new AbortController();
  const natter = new URL(base).origin;
  // Only natter's callback page, in that popup, may sign the reader in.
  addEventListener('message', (e) => {
    const d = e.data;
    if (e.origin != natter || e.source != pop || !d || t.signal.aborted) return;
    if (d.type == 'natter:signin') keep(t, { ...d.reader, token: d.token });
    else if (d.type == 'natter:signin-error') t.note.textContent = say(t, 'failed', { message: d.message });
    else return;
    waiting.abort();
  }, { signal: waiting.signal });
}

/** Back in this tab from signing in: the token is taken from the address
 *  (and removed from it, and from the history), then /api/me says who. */
export async function landed(t) {
  const m = /natter-token=([^&]*)/.exec(location.hash);
  history.replaceState(history.state, '', location.href.split('#')[0]);
  if (!m) return;
  const token = decodeURIComponent(m[1]);
  try {
    keep(t, { ...(await t.api.call('GET', 'me', null, token)), token });
  } catch (e) {
    t.note.textContent = say(t, 'failed', { message: e.message || t.s.t('network') });
  }
}

/** Remembers the signed-in reader and shows the thread as theirs. */
function keep(t, r) {
  const { token, key, name, provider, provider_name } = r;
  store.set(READER, { token, key, name, provider, provider_name });
  t.checked = true;
  const f = remake(t);
  t.render(say(t, 'welcome', { name, provider: provider_name }));
  if (f) f.text.focus();
}

/** Forgets the reader (signed out, here or by natter) and says `msg`. */
function forget(t, msg) {
  store.set(READER);
  const f = remake(t);
  t.render(msg);
  const first = f && f.in && f.in.querySelector('button');
  if (first) first.focus();
  else t.focus(t.heading);
}

/** The thread's own form made again, for the reader as they now are (its
 *  draft is kept: embed.js stores it at every keystroke). */
function remake(t) {
  if (!t.form) return null;
  const old = t.form;
  t.form = form(t, 'new', t.s.t('write'));
  old.el.replaceWith(t.form.el);
  return t.form;
}

/** A 401 `signed_out`: the token was revoked (sign out everywhere, or the
 *  identity deleted); the widget signs out too, and says so. */
export function lost(t) {
  forget(t, say(t, 'lost'));
}

/** Fills form `f`'s sign-in line: who is signed in and, in the thread's
 *  own form, the buttons to sign out and to change the name. */
export function bar(f) {
  const { t } = f;
  const r = store.get(READER);
  if (!r || !f.in) return;
  const line = h('p', { text: say(t, 'signedIn', { name: r.name, provider: r.provider_name }) });
  if (f.kind != 'new') return f.in.replaceChildren(line);
  f.renameBtn = btn(say(t, 'rename'), { 'aria-expanded': 'false', onclick: () => rename(f) });
  f.in.replaceChildren(line,
    btn(say(t, 'signOut'), { onclick: () => out(t, 'signout', 'out') }),
    btn(say(t, 'signOutAll'), { onclick: () => out(t, 'signout-all', 'outAll') }),
    f.renameBtn);
  if (!t.checked) check(t, r);
}

/** Once per thread: is the kept token still good, and the name still so? */
async function check(t, r) {
  t.checked = true;
  try {
    const me = await t.api.call('GET', 'me', null, r.token);
    if (me.name != r.name) {
      store.set(READER, { ...r, name: me.name });
      if (t.form) bar(t.form);
    }
  } catch (e) {
    if (e.code == 'signed_out') lost(t);
  }
}

/** POST /auth/signout or /auth/signout-all, then forgets the reader. */
async function out(t, path, said) {
  const { token } = store.get(READER) || {};
  try {
    await t.api.call('POST', '../auth/' + path, null, token);
  } catch (e) {
    // An unknown token is as good as revoked; anything else is said.
    if (e.code != 'signed_out') {
      t.note.textContent = e.code == 'network' ? t.s.t('network') : e.message || t.s.t('internal');
      return;
    }
  }
  forget(t, say(t, said));
}

/** Opens (or closes) the box to change the display name under the line. */
function rename(f) {
  const { t, renameBtn: b } = f;
  const close = () => {
    box.remove();
    b.setAttribute('aria-expanded', false);
    b.focus();
  };
  let box = f.in.querySelector('.n-rename');
  if (box) return close();
  const id = f.text.id + 'n';
  const input = h('input', {
    id, dir: 'auto', autocomplete: 'nickname', part: 'input', 'aria-describedby': id + 'e', value: store.get(READER).name,
  });
  const err = h('p', { class: 'n-err', id: id + 'e', hidden: true, part: 'error' });
  const save = async () => {
    const r = store.get(READER) || {};
    try {
      const me = await t.api.call('PATCH', 'me', { name: input.value.trim() }, r.token);
      store.set(READER, { ...r, name: me.name });
      bar(f);
      t.render(say(t, 'renamed', { name: me.name }));
      f.renameBtn.focus();
    } catch (e) {
      if (e.code == 'signed_out') return lost(t);
      err.hidden = false;
      err.textContent = e.code == 'network' ? t.s.t('network') : e.message || t.s.t('internal');
      input.setAttribute('aria-invalid', true);
      input.focus();
    }
  };
  box = h('div', { class: 'n-rename', role: 'group', 'aria-label': say(t, 'rename') },
    h('label', { for: id, text: say(t, 'newName') }), input, err,
    h('div', { class: 'n-btns' }, btn(t.s.t('save'), { onclick: save }), btn(t.s.t('cancel'), { onclick: close })));
  // Enter saves (it would post the comment form around it); Escape leaves.
  input.onkeydown = (e) => {
    if (e.key == 'Enter') {
      e.preventDefault();
      save();
    } else if (e.key == 'Escape') {
      close();
    }
  };
  f.in.append(box);
  b.setAttribute('aria-expanded', true);
  input.focus();
}
