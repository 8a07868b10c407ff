// Writing: what happens when a reader posts, previews, replies, edits,
// deletes or votes. embed.js loads this module when a reader first touches a
// thread, so that reading needs none of it. `t` is a thread and `f` a form,
// as embed.js makes them.

let en, h, btn, bodies, store, form, need, READER;

/** Takes what embed.js shares (a classic script cannot export). */
export function use(kit) {
  ({ en, h, btn, bodies, store, form, need, READER } = kit);
}

// Error codes that share words; `n` is a rate limit's wait or the text's
// limit. A code without words of its own shows the server's sentence.
const alias = { forbidden_origin: 'unknown_site', invalid_token: 'edit_window_closed', missing_token: 'edit_window_closed', payload_too_large: 'eLong' };

// What the server will do about the notify boxes (a post's `notify`, and
// /api/new-posts's `status` as posts_STATUS), in each language. They live
// here rather than in embed.js's `en` because embed.js is at its size budget
// (DESIGN §12); i18n/*.json hold exactly embed.js's keys
// (tests/browser/i18n.test.mjs), and tests/browser/signin.test.mjs checks
// that each of these has all seven languages.
export const notices = {
  confirm: {
    en: 'We have sent you an email. Click the link in it to start getting emails about new comments.',
    de: 'Wir haben Ihnen eine E-Mail geschickt. Klicken Sie auf den Link darin, um E-Mails über neue Kommentare zu bekommen.',
    fr: 'Nous vous avons envoyé un e-mail. Cliquez sur le lien qu’il contient pour recevoir des e-mails sur les nouveaux commentaires.',
    es: 'Te hemos enviado un correo. Haz clic en el enlace que contiene para empezar a recibir avisos de nuevos comentarios.',
    nl: 'We hebben je een e-mail gestuurd. Klik op de link erin om e-mails over nieuwe reacties te krijgen.',
    pt: 'Enviámos-lhe um e-mail. Clique na ligação que contém para começar a receber e-mails sobre novos comentários.',
    ar: 'أرسلنا إليك رسالة بريد إلكتروني. انقر على الرابط الذي فيها لتبدأ في تلقي رسائل عن التعليقات الجديدة.',
  },
  on: {
    en: 'We will email you when there are new comments.',
    de: 'Wir schicken Ihnen eine E-Mail, wenn es neue Kommentare gibt.',
    fr: 'Nous vous enverrons un e-mail quand il y aura de nouveaux commentaires.',
    es: 'Te avisaremos por correo cuando haya nuevos comentarios.',
    nl: 'We sturen je een e-mail als er nieuwe reacties zijn.',
    pt: 'Vamos enviar-lhe um e-mail quando houver novos comentários.',
    ar: 'سنرسل إليك رسالة بريد إلكتروني عندما تصل تعليقات جديدة.',
  },
  posts_confirm: {
    en: 'To get emails about new posts, click the link in the email we have sent you.',
    de: 'Um E-Mails zu neuen Beiträgen zu bekommen, klicken Sie auf den Link in der E-Mail, die wir Ihnen geschickt haben.',
    fr: 'Pour recevoir les nouveaux articles par e-mail, cliquez sur le lien de l’e-mail que nous vous avons envoyé.',
    es: 'Para recibir por correo las nuevas entradas, haz clic en el enlace del correo que te hemos enviado.',
    nl: 'Klik op de link in de e-mail die we je hebben gestuurd om e-mails over nieuwe berichten te krijgen.',
    pt: 'Para receber e-mails sobre novos artigos, clique na ligação do e-mail que lhe enviámos.',
    ar: 'لتصلك رسائل عن المقالات الجديدة، انقر على الرابط في الرسالة التي أرسلناها إليك.',
  },
  posts_subscribed: {
    en: 'We will email you about each new post.',
    de: 'Wir schicken Ihnen zu jedem neuen Beitrag eine E-Mail.',
    fr: 'Nous vous enverrons un e-mail pour chaque nouvel article.',
    es: 'Te enviaremos un correo por cada nueva entrada.',
    nl: 'We sturen je een e-mail bij elk nieuw bericht.',
    pt: 'Vamos enviar-lhe um e-mail sobre cada novo artigo.',
    ar: 'سنرسل إليك رسالة عن كل مقال جديد.',
  },
};

/** The signed-in reader, if any: {token, key, name, provider, provider_name}. */
const reader = () => store.get(READER);

/** A failed call in the reader's words. */
function explain(s, e) {
  const k = alias[e.code] || e.code;
  return en[k] ? s.t(k, { n: e.wait || 1e4 }) : e.message || s.t('internal');
}

/** Checks the form, sends it and clears it once the server took it; any
 *  mistake is shown beside its field, and the text is never lost. */
export async function submit(f) {
  const { t, el } = f;
  // A double click, or Enter pressed twice, must not post twice.
  if (f.busy) return;
  const v = values(f);
  const bad = check(f, v);
  show(f, bad);
  f.alert.textContent = '';
  if (Object.keys(bad).length) return;
  f.busy = true;
  el.setAttribute('aria-busy', true);
  f.submitBtn.textContent = t.s.t('posting');
  try {
    await (f.kind == 'edit' ? save(f, v.text) : send(t, v, f.id));
    if (f.full) store.set(f.draft);
    f.text.value = '';
    back(f);
  } catch (e) {
    if (e.code == 'signed_out') need('signin', t, (m) => m.lost(t));
    else if (f.fields[e.field]) show(f, { [e.field]: explain(t.s, e) });
    else f.alert.textContent = explain(t.s, e);
  }
  f.busy = false;
  el.removeAttribute('aria-busy');
  f.submitBtn.textContent = t.s.t(f.full ? 'post' : 'save');
}

/** Shows the text as the server will render it, or goes back to writing. */
export async function preview(f) {
  const { t } = f;
  if (!f.shown.hidden) return back(f, true);
  f.alert.textContent = '';
  try {
    const { html } = await t.api.call('POST', 'preview', { text: f.text.value });
    f.shown.replaceChildren(...bodies([html])[0].childNodes);
    f.shown.hidden = false;
    f.textField.hidden = true;
    f.previewBtn.textContent = t.s.t('keepWriting');
    f.shown.focus();
  } catch (e) {
    f.alert.textContent = explain(t.s, e);
  }
}

/** From the preview back to the text area. */
function back(f, focus) {
  f.shown.hidden = true;
  f.textField.hidden = false;
  f.previewBtn.textContent = f.t.s.t('preview');
  if (focus) f.text.focus();
}

/** The values to send: empty fields left out, a bare website made whole.
 *  (A signed-in reader's form has no name, email or website: natter takes
 *  them from the identity.) */
function values(f) {
  const v = { text: f.text.value };
  if (!f.full) return v;
  for (const k of ['name', 'email', 'website']) {
    const value = f.fields[k] && f.fields[k].input.value.trim();
    if (value) v[k] = value;
  }
  // Most people type "example.org"; the server wants a full address.
  if (v.website && !/^[a-z][\w+.-]*:/i.test(v.website)) v.website = 'https://' + v.website;
  const box = (k) => !!(f.el.elements[k] && f.el.elements[k].checked);
  if (f.notify) v.notify = { replies: box('replies'), thread: box('thread') };
  if (box('posts')) v.posts = true;
  return v;
}

/** {field: message} for each mistake the widget can see before sending. */
function check(f, v) {
  const { s, cfg } = f.t;
  const bad = {};
  const fail = (k, key, n) => { bad[k] ||= s.t(key, { n }); };
  if (!v.text.trim()) fail('text', 'eText');
  for (const k in v) {
    const max = (cfg.limits || {})[k + '_max'];
    if (max && [...v[k]].length > max) fail(k, 'eLong', max);
  }
  if (!f.full) return bad;
  for (const k of ['name', 'email']) if (cfg['require_' + k] && !v[k]) fail(k, 'eReq');
  const asks = v.posts || (v.notify && (v.notify.replies || v.notify.thread));
  if (asks && !v.email && f.fields.email) fail('email', 'eNotify');
  if (v.email && f.fields.email && f.fields.email.input.validity.typeMismatch) fail('email', 'eEmail');
  if (v.website && !/^https?:\/\/[^\s/]+\.\S+$/i.test(v.website)) fail('website', 'eUrl');
  return bad;
}

/** Shows each message beside its field, and focuses the first. */
function show(f, bad) {
  for (const k in f.fields) {
    const { input, err } = f.fields[k];
    err.hidden = !bad[k];
    err.textContent = bad[k] || '';
    input.setAttribute('aria-invalid', !!bad[k]);
  }
  const first = Object.keys(bad)[0];
  if (first) {
    back(f);
    f.fields[first].input.focus();
  }
}

/** Posts a comment (a reply to `parent`, if given) and shows it, focused;
 *  a ticked "new posts" box then subscribes its address. */
async function send(t, v, parent) {
  const { s, o } = t;
  const { posts, ...body } = v;
  const { token } = reader() || {};
  const r = await t.api.call('POST', 'comments?' + t.api.page, { ...body, parent, title: o.title, voter: voter(), form_token: t.token }, token);
  const c = Object.assign(r.comment, { replies: [] });
  own(c.id, { token: r.edit_token, until: r.edit_until, text: v.text });
  if (parent) (find(t, parent)[0].replies ||= []).push(c);
  else t.comments[o.sort == 'newest' ? 'unshift' : 'push'](c);
  if (!r.held) t.thread.count++;
  // (A signed-in reader's own comments stay theirs to change.)
  const mins = token ? 0 : Math.round((Date.parse(r.edit_until) - Date.now()) / 6e4);
  const said = r.held ? s.t('held') : s.t('published') + (mins > 0 ? ' ' + s.t('editFor', { n: mins }) : '');
  const notice = [notices[r.notify], posts && (await subscribe(t, v.email, token))];
  const lang = t.heading.closest('[lang]').lang;
  t.render([said, ...notice.map((n) => n && (n[lang] || n.en))].filter(Boolean).join(' '));
  t.focus(t.article(c.id));
}

/** POST /api/new-posts for `email` (the identity's, with a token): its
 *  notice, or a failure's own words (the comment is posted all the same). */
async function subscribe(t, email, token) {
  try {
    const r = await t.api.call('POST', 'new-posts', { url: t.o.pageUrl, email }, token);
    return notices['posts_' + r.status];
  } catch (e) {
    // (Already in the reader's words: shown whatever the language.)
    return { en: explain(t.s, e) };
  }
}

/** The token that may change comment `id`: the reader's when it is theirs
 *  (for as long as the site lets them), else its own edit token. */
function tokenFor(t, id) {
  const [c] = find(t, id) || [];
  const r = reader();
  return c && r && c.by && c.by == r.key ? r.token : (store.own()[id] || {}).token;
}

/** Saves the edited text of an own comment. */
async function save(f, text) {
  const { t, id } = f;
  const mine = store.own()[id] || {};
  const r = await t.api.call('PATCH', 'comments/' + id, { text }, tokenFor(t, id));
  own(id, { ...mine, text });
  const [c] = find(t, id);
  Object.assign(c, r.comment, { replies: c.replies });
  // An edit is judged again: one the rules hold waits for a moderator.
  t.render(t.s.t(r.comment.status == 'pending' ? 'held' : 'updated'));
  t.focus(t.article(id));
}

/** The anonymous id sent with votes and posts. */
function voter() {
  let v = store.get('voter');
  if (!v) store.set('voter', (v = [...crypto.getRandomValues(new Uint32Array(4))].map((n) => n.toString(36)).join('')));
  return v;
}

/** Remembers (or, with no entry, forgets) an own comment's edit token. */
function own(id, entry) {
  store.set('own', { ...store.own(), [id]: entry });
}

/** Every [comment, the list it is in] of the thread, with a stack rather
 *  than recursion, so that a chain of any depth fits. */
function* each(t) {
  const lists = [t.comments];
  while (lists.length) {
    const list = lists.pop();
    for (const c of list) {
      yield [c, list];
      if (c.replies && c.replies.length) lists.push(c.replies);
    }
  }
}

/** [comment, the list it is in] for this id, wherever it is in the tree. */
function find(t, id) {
  for (const found of each(t)) if (found[0].id == id) return found;
}

/** A comment's button, by its name: reply, edit, del or vote. */
export function act(t, b) {
  const art = b.closest('article');
  ({ reply, edit, del, vote })[b.name](t, b, art, +art.id.split('-').pop());
}

/** Closes the form open under `art`; returns its kind, if one was open. */
function close(art) {
  const f = art.parentNode.querySelector(':scope > form');
  if (f) f.remove();
  art.querySelector('.n-body').hidden = false;
  const r = art.querySelector('[name=reply]');
  if (r) r.setAttribute('aria-expanded', false);
  return f && f.dataset.kind;
}

/** Opens a form of `kind` under `art`, or closes it if it was open. */
function open(t, b, art, kind, title, more) {
  if (close(art) == kind) return b.focus();
  const cancel = () => {
    close(art);
    b.focus();
  };
  const f = form(t, kind, title, more);
  f.btns.append(btn(t.s.t('cancel'), { onclick: cancel }));
  // Escape leaves the form; every other key is left to the reader (a handler
  // that returned false would cancel it).
  f.el.addEventListener('keydown', (e) => {
    if (e.key == 'Escape') cancel();
  });
  art.after(f.el);
  f.text.focus();
  return true;
}

function reply(t, b, art, id) {
  const title = t.s.t('replyTo', { name: art.getAttribute('aria-label') });
  if (open(t, b, art, 'reply', title, { id })) b.setAttribute('aria-expanded', true);
}

function edit(t, b, art, id) {
  // A comment kept only by its reader's key (past the guest window, or from
  // another device) is edited from its shown text.
  const { text = art.querySelector('.n-body').innerText.trim() } = store.own()[id] || {};
  if (open(t, b, art, 'edit', t.s.t('editing'), { id, text })) art.querySelector('.n-body').hidden = true;
}

function del(t, b, art, id) {
  if (art.querySelector('.n-confirm')) return;
  const ask = t.s.t('confirmDel');
  const yes = btn(t.s.t('yesDel'), { class: 'n-danger', onclick: () => gone().catch((e) => problem(t, art, e)) });
  const no = btn(t.s.t('keep'), { onclick: () => { box.remove(); b.focus(); } });
  const box = h('div', { class: 'n-confirm', role: 'group', 'aria-label': ask }, ask, yes, no);
  b.parentNode.after(box);
  yes.focus();

  async function gone() {
    await t.api.call('DELETE', 'comments/' + id, null, tokenFor(t, id));
    own(id);
    const [c, siblings] = find(t, id);
    if (c.status == 'published') t.thread.count--;
    // One with replies stays as a tombstone, so the conversation keeps its
    // shape. (Past the site's depth, its replies are beside it, not in it.)
    if ([...each(t)].some(([r]) => r.parent == id)) c.status = 'deleted';
    else siblings.splice(siblings.indexOf(c), 1);
    t.render(t.s.t('removed'));
    t.focus(t.heading);
  }
}

async function vote(t, b, art, id) {
  const value = b.getAttribute('aria-pressed') == 'true' ? 0 : +b.value;
  try {
    const r = await t.api.call('POST', `comments/${id}/vote`, { value, voter: voter() });
    store.set('votes', { ...store.get('votes', {}), [id]: r.value });
    Object.assign(find(t, id)[0], { likes: r.likes, dislikes: r.dislikes });
    for (const v of art.querySelectorAll('[name=vote]')) {
      const like = v.value > 0;
      v.setAttribute('aria-pressed', v.value == r.value);
      v.textContent = t.s.t(like ? 'like' : 'dislike') + ' ' + (like ? r.likes : r.dislikes);
    }
  } catch (e) {
    problem(t, art, e);
  }
}

/** An error of a comment's action, shown right under that comment. */
function problem(t, art, e) {
  if (t.signal.aborted) return;
  if (e.code == 'signed_out') return need('signin', t, (m) => m.lost(t));
  let p = art.querySelector('.n-err');
  if (!p) art.append((p = h('p', { class: 'n-err', role: 'alert', part: 'error' })));
  p.textContent = explain(t.s, e);
}
