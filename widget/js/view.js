// Comments as DOM. Every value goes in as text, except a comment's `html`,
// which the server sanitised and which is checked once more here, parsed
// inertly, against the same allow-list.

/** createElement: `text` sets textContent, `on*` adds a listener, `true`
 *  sets an empty attribute, null/false skip; kids may be nested arrays. */
export function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const k in attrs) {
    const v = attrs[k];
    if (v == null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k[0] === 'o' && k[1] === 'n') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  add(e, kids);
  return e;
}

function add(e, kids) {
  for (const k of kids) {
    if (Array.isArray(k)) add(e, k);
    else if (k != null && k !== false) e.append(k);
  }
}

/** A button that never submits a form (type=button). */
export const btn = (text, attrs) => h('button', { type: 'button', part: 'button', ...attrs }, text);

const ok = /^(P|BR|EM|STRONG|DEL|CODE|PRE|BLOCKQUOTE|UL|OL|LI|A|HR)$/;
const REL = 'nofollow ugc noopener noreferrer';

/** Comment bodies from the server's sanitised HTML, one `.n-body` div per
 *  string, parsed inertly in a single pass (one parser run for a whole
 *  thread costs far less than one per comment). Elements outside the
 *  allow-list become their text; the only attributes kept are an
 *  http(s)/mailto href and a list's start. */
export function bodies(htmls) {
  const tpl = h('template');
  tpl.innerHTML = htmls.map((x) => '<div>' + x + '</div>').join('');
  let divs = [...tpl.content.childNodes];
  // natter's HTML is balanced, so each string fills its own div; should one
  // not be, each string is parsed on its own instead.
  if (divs.length !== htmls.length) divs = htmls.map((x) => bodies([x.replace(/<\/?div\b[^>]*>/gi, '')])[0]);
  for (const d of divs) {
    clean(d);
    d.className = 'n-body';
    d.setAttribute('part', 'body');
  }
  return divs;
}

function clean(node) {
  for (const c of [...node.children]) {
    clean(c);
    if (!ok.test(c.tagName)) c.replaceWith(c.textContent);
    else if (c.attributes.length) {
      const href = c.getAttribute('href');
      const start = c.getAttribute('start');
      for (const a of [...c.attributes]) c.removeAttribute(a.name);
      if (c.tagName === 'A' && /^(https?:|mailto:)/i.test(href)) {
        c.setAttribute('href', href);
        c.setAttribute('rel', REL);
      }
      if (/^\d+$/.test(start)) c.setAttribute('start', start);
    }
  }
}

/** One comment's <article>, around its `body` div. `ctx`: {s, origin,
 *  own(id), vote(id), open, depth}. */
function comment(c, ctx, replyTo, body) {
  const { s } = ctx;
  const attrs = { class: 'n-c', id: 'natter-comment-' + c.id, 'data-id': c.id, tabindex: -1, part: 'comment' };
  if (c.status === 'deleted') return h('article', attrs, h('p', { class: 'n-muted n-gone', text: s.t('deleted') }));
  const name = c.author.name || s.t('anon');
  const site = c.author.website;
  const link = /^https?:\/\//i.test(site);
  const held = c.status === 'pending';
  const mine = ctx.own(c.id);
  const vote = (value, key, n) =>
    btn(s.t(key) + ' ' + n, { 'data-act': 'vote', 'data-value': value, 'aria-pressed': String(ctx.vote(c.id) === value) });
  attrs['aria-label'] = name;
  return h('article', attrs,
    h('header', { class: 'n-ch' },
      // `loading` before `src`, or the image starts loading at once.
      c.author.avatar && h('img', { loading: 'lazy', class: 'n-av', alt: '', part: 'avatar', src: ctx.origin + c.author.avatar }),
      h('span', { class: 'n-who' },
        h(link ? 'a' : 'b', { class: 'n-author', href: link && site, rel: link && REL, part: 'author', text: name }),
        replyTo != null && h('span', { class: 'n-muted', text: s.t('inReplyTo', { name: replyTo || s.t('anon') }) }),
        h('span', { class: 'n-muted' },
          h('time', { datetime: c.created, text: s.ago(c.created) }),
          c.edited && ' ' + s.t('edited')),
        held && h('strong', { class: 'n-badge', part: 'badge', text: s.t('pending') }))),
    body,
    h('div', { class: 'n-acts' },
      ctx.open && !held && btn(s.t('reply'), { 'data-act': 'reply', 'aria-expanded': 'false' }),
      // Own comments (and held ones) show their counts but take no votes.
      mine || held
        ? h('span', { class: 'n-muted', text: `${s.t('like')} ${c.likes} · ${s.t('dislike')} ${c.dislikes}` })
        : [vote(1, 'like', c.likes), vote(-1, 'dislike', c.dislikes)],
      mine && [btn(s.t('edit'), { 'data-act': 'edit' }), btn(s.t('del'), { 'data-act': 'del' })]));
}

/** Appends `list` to the <ol> `ol`, nested up to `ctx.depth` levels; deeper
 *  replies go flat beside their parent, "in reply to NAME". */
export function tree(list, ctx, ol) {
  const all = [];
  const walk = (l) => {
    for (const c of l) {
      all.push(c);
      if (c.replies) walk(c.replies);
    }
  };
  walk(list);
  const divs = bodies(all.map((c) => c.html));
  const body = new Map(all.map((c, i) => [c, divs[i]]));
  (function build(list, ol, depth, replyTo) {
    for (const c of list) {
      const li = h('li', null, comment(c, ctx, replyTo, body.get(c)));
      ol.append(li);
      if (!c.replies || !c.replies.length) continue;
      if (depth < ctx.depth) li.append(h('ol', { class: 'n-list n-sub' }));
      build(c.replies, depth < ctx.depth ? li.lastChild : ol, depth + 1, depth < ctx.depth ? null : c.author.name);
    }
  })(list, ol, 1);
}
