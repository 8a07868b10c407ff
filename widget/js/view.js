// Turns comments into DOM. Every value goes in as text, except a comment's
// `html`, which the server sanitised at write time and which is checked
// once more here against the same small allow-list before it is inserted.

/** createElement with attributes (`text` sets textContent, `on*` listens). */
export function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const k in attrs) {
    const v = attrs[k];
    if (v == null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...kids.flat().filter((x) => x != null && x !== false));
  return e;
}

const allowed = new Set('P BR EM STRONG DEL CODE PRE BLOCKQUOTE UL OL LI A HR'.split(' '));
const REL = 'nofollow ugc noopener noreferrer';

/** Parses sanitised HTML inertly and returns it as a fragment. Anything
 *  outside the allow-list is reduced to its text; the only attribute kept is
 *  an http(s)/mailto href. */
export function safeHtml(html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const walk = (node) => {
    for (const c of [...node.children]) {
      walk(c);
      if (!allowed.has(c.tagName)) {
        c.replaceWith(c.textContent);
        continue;
      }
      const href = c.getAttribute('href');
      for (const a of [...c.attributes]) c.removeAttribute(a.name);
      if (c.tagName === 'A' && href && /^(https?:|mailto:)/i.test(href)) {
        c.setAttribute('href', href);
        c.setAttribute('rel', REL);
      }
    }
  };
  walk(tpl.content);
  return tpl.content;
}

/** A link only for http(s) addresses; anything else stays plain text. */
function website(url, name) {
  return url && /^https?:\/\//i.test(url)
    ? h('a', { href: url, rel: REL, part: 'author', class: 'n-author' }, name)
    : h('b', { part: 'author', class: 'n-author' }, name);
}

/** One comment's article: header, body and action buttons. `ctx` carries
 *  {s (strings), base, own(id), vote(id), open (replies allowed)}. */
export function comment(c, ctx, replyTo) {
  const { s } = ctx;
  const attrs = { class: 'n-c', id: 'natter-comment-' + c.id, 'data-id': c.id, tabindex: -1, part: 'comment' };
  if (c.status === 'deleted') {
    attrs.class += ' n-gone';
    return h('article', attrs, h('p', { class: 'n-muted', text: s.t('deleted') }));
  }
  const name = c.author.name || s.t('anon');
  const avatar = c.author.avatar && new URL(c.author.avatar, ctx.base);
  const mine = ctx.own(c.id);
  const pending = c.status === 'pending';
  const btn = (act, label, more) =>
    h('button', { type: 'button', 'data-act': act, part: 'button', ...more }, label);
  const vote = (value, key, n) =>
    btn('vote', [s.t(key) + ' ', h('span', { text: n })],
      { 'data-value': value, 'aria-pressed': String(ctx.vote(c.id) === value) });
  const acts = mine || pending
    ? [h('span', { class: 'n-muted', text: `${s.t('like')} ${c.likes} · ${s.t('dislike')} ${c.dislikes}` })]
    : [vote(1, 'like', c.likes), vote(-1, 'dislike', c.dislikes)];
  if (ctx.open && !pending) acts.unshift(btn('reply', s.t('reply'), { 'aria-expanded': 'false' }));
  if (mine) acts.push(btn('edit', s.t('edit')), btn('del', s.t('del')));
  attrs['aria-label'] = name;
  return h('article', attrs,
    h('header', { class: 'n-ch' },
      avatar && avatar.origin === new URL(ctx.base).origin
        ? h('img', { class: 'n-av', src: avatar.href, alt: '', width: 36, height: 36, loading: 'lazy', part: 'avatar' })
        : null,
      h('span', { class: 'n-who' },
        website(c.author.website, name),
        replyTo != null ? h('span', { class: 'n-muted', text: ' ' + s.t('inReplyTo', { name: replyTo || s.t('anon') }) }) : null,
        ' ',
        h('span', { class: 'n-muted' },
          h('time', { datetime: c.created, title: s.date(c.created), text: s.ago(c.created) }),
          c.edited ? ' ' + s.t('edited') : null),
        pending ? h('strong', { class: 'n-badge', part: 'badge', text: s.t('pending') }) : null)),
    h('div', { class: 'n-body', part: 'body' }, safeHtml(c.html)),
    h('div', { class: 'n-acts' }, ...acts));
}

/** Appends `list` to the <ol> `ol`: nested up to `ctx.depth` levels, deeper
 *  replies flat beside their parent with "in reply to NAME". */
export function tree(list, ctx, ol, depth = 1, replyTo) {
  for (const c of list) {
    const li = h('li', { class: 'n-item' }, comment(c, ctx, replyTo));
    ol.append(li);
    if (!c.replies || !c.replies.length) continue;
    if (depth < ctx.depth) {
      const sub = h('ol', { class: 'n-list n-sub' });
      li.append(sub);
      tree(c.replies, ctx, sub, depth + 1);
    } else {
      tree(c.replies, ctx, ol, depth, c.status === 'deleted' ? '' : c.author.name);
    }
  }
}
