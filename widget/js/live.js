// Live: the thread's new, changed and deleted comments as they happen, from
// GET /api/events (server-sent events). embed.js loads this module once the
// thread is shown, unless the site said data-live="false". New comments wait
// behind one button, so that the page never moves under the reader; changes
// and deletions are made in place, in the one comment they are about.

let h, btn, bodies, comment, base;

/** Takes what embed.js shares (a classic script cannot export). */
export function use(kit) {
  ({ h, btn, bodies, comment, base } = kit);
}

/** Every [comment, the list it is in, its level, its parent] of a list of
 *  comments, with a stack rather than recursion, so that a chain of any
 *  depth fits. */
function* each(comments) {
  const lists = [[comments, 1, null]];
  while (lists.length) {
    const [list, level, parent] = lists.pop();
    for (const c of list) {
      yield [c, list, level, parent];
      if (c.replies && c.replies.length) lists.push([c.replies, level + 1, c]);
    }
  }
}

/** [comment, list, level, parent] for this id, wherever it is in the tree. */
function find(t, id) {
  for (const found of each(t.comments)) if (found[0].id == id) return found;
}

/** Where a new top-level comment goes in the current sort: after the pinned
 *  ones and, for "top", after those liked more than a new one is. */
function place(t, c) {
  const list = t.comments;
  const sort = t.o.sort;
  const i = sort == 'oldest' ? -1 : list.findIndex((x) => !x.pinned && (sort == 'newest' || x.likes - x.dislikes < 0));
  list.splice(i < 0 ? list.length : i, 0, c);
}

/** Follows thread `t` until it is unmounted. */
export function live(t) {
  // Comments not shown yet, by id, in the order they came (a reply after
  // its parent).
  const fresh = new Map();
  const show = btn('', { class: 'n-new', onclick: reveal });
  let last = t.thread.event_id || 0;
  let es, timer, wait = 0, soon;

  function open() {
    close();
    es = new EventSource(base + 'api/events?' + t.api.page + '&since=' + last);
    for (const type of ['ready', 'created', 'approved', 'edited', 'deleted', 'reset']) es.addEventListener(type, on);
    // EventSource comes back by itself after a dropped stream; it gives up
    // on an error answer (natter restarting, too many streams): then later.
    es.onerror = () => {
      if (es.readyState != EventSource.CLOSED) return;
      es = null;
      timer = setTimeout(() => document.hidden || open(), (wait = Math.min(2 * wait || 3000, 6e4)));
    };
  }

  function close() {
    clearTimeout(timer);
    if (es) es.close();
    es = null;
  }

  // Nothing while the tab is hidden; back from where it was.
  document.addEventListener('visibilitychange', () => (document.hidden ? close() : es || open()), { signal: t.signal });
  t.signal.addEventListener('abort', () => {
    close();
    clearTimeout(soon);
  });
  if (!document.hidden) open();

  function on(e) {
    if (e.lastEventId) last = e.lastEventId;
    if (e.type == 'ready') return (wait = 0);
    if (e.type == 'reset') {
      fresh.clear();
      count();
      return t.load();
    }
    const c = { ...JSON.parse(e.data), replies: [] };
    const at = find(t, c.id);
    // The reader's own edits and deletions are shown by the answers to
    // them (an edit held for a moderator stays shown to its author), which
    // their events may overtake; only a moderator's approval is news.
    const own = t.own[c.id] || (at && at[0].by && at[0].by == t.me);
    if (own && e.type != 'approved') return;
    if (e.type == 'created' || e.type == 'approved') {
      // One shown already is the reader's own (held, then approved).
      if (at) {
        if (e.type == 'approved') redraw(at, c);
      } else if (!c.parent || fresh.has(c.parent) || find(t, c.parent)) {
        fresh.set(c.id, c);
      }
      // (A reply whose parent is on a page not loaded comes with it.)
    } else if (fresh.has(c.id)) {
      if (e.type == 'edited' || [...fresh.values()].some((r) => r.parent == c.id)) fresh.set(c.id, c);
      else fresh.delete(c.id);
    } else if (at) {
      // One with replies stays as a tombstone, so the conversation keeps
      // its shape. (Past the site's depth, its replies are beside it.)
      if (e.type == 'edited' || [...each(t.comments)].some(([r]) => r.parent == c.id)) redraw(at, c);
      else gone(at);
    }
    // A comment the reader has just posted may come before the answer to
    // their POST does: counted only if it is still not shown by then.
    clearTimeout(soon);
    soon = setTimeout(count, 250);
  }

  /** The button, in the thread's polite live region: said once per change. */
  function count() {
    for (const id of fresh.keys()) if (find(t, id)) fresh.delete(id);
    const n = fresh.size;
    if (!n) return show.remove();
    show.textContent = t.s.t('newComments', { n });
    if (!show.isConnected) t.note.replaceChildren(show);
  }

  /** Puts the waiting comments where they belong, then focuses the first. */
  function reveal() {
    const ids = new Set();
    for (const c of fresh.values()) {
      const parent = c.parent && find(t, c.parent);
      if (find(t, c.id) || (c.parent && !parent)) continue;
      if (parent) parent[0].replies.push(c);
      else place(t, c);
      ids.add(c.id);
      if (c.status == 'published') t.thread.count++;
    }
    fresh.clear();
    t.render();
    t.note.textContent = '';
    const all = t.note.getRootNode().querySelectorAll('article');
    t.focus([...all].find((a) => ids.has(+a.id.split('-').pop())));
  }

  /** Shows comment `c` in place of the one found `at`, keeping the focus,
   *  an open form's state and a question under it. */
  function redraw([old, , level], c) {
    const depth = t.cfg.max_depth || 5;
    const was = old.status == 'published';
    if (was != (c.status == 'published')) t.thread.count += was ? -1 : 1;
    Object.assign(old, c, { replies: old.replies });
    heading();
    const art = t.article(c.id);
    if (!art) return;
    const parent = level > depth && find(t, c.parent);
    const next = comment(old, t, level > depth ? (parent && parent[0].author.name) || '' : null, bodies([old.html])[0]);
    const focused = art.getRootNode().activeElement;
    const inside = art.contains(focused);
    const body = art.querySelector('.n-body');
    const reply = art.querySelector('[name=reply]');
    const kept = art.querySelectorAll(':scope > .n-confirm, :scope > .n-err');
    // The same <article> stays, for what refers to it (an open form's
    // Cancel); its attributes and contents are the new comment's.
    for (const { name } of [...art.attributes]) if (name != 'tabindex' && !next.hasAttribute(name)) art.removeAttribute(name);
    for (const { name, value } of [...next.attributes]) art.setAttribute(name, value);
    art.replaceChildren(...next.childNodes, ...kept);
    const nb = art.querySelector('.n-body');
    if (nb && body) nb.hidden = body.hidden;
    const nr = art.querySelector('[name=reply]');
    if (nr && reply) nr.setAttribute('aria-expanded', reply.getAttribute('aria-expanded'));
    if (!inside) return;
    const same = focused != art && [...art.querySelectorAll('button')].find((b) => b.name == focused.name && b.value == focused.value);
    if (same) same.focus();
    else t.focus(art);
  }

  /** Takes a deleted comment without replies out of the thread. */
  function gone([c, list]) {
    list.splice(list.indexOf(c), 1);
    if (c.status == 'published') t.thread.count--;
    heading();
    const art = t.article(c.id);
    if (!art) return;
    const inside = art.contains(art.getRootNode().activeElement);
    art.parentNode.remove();
    if (inside) t.focus(t.heading);
  }

  function heading() {
    t.heading.textContent = t.s.t('count', { n: t.thread.count });
  }
}
