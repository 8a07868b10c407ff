// What the widget remembers in the reader's own browser (localStorage only:
// natter sets no cookies). Every access tolerates storage being blocked.

const P = 'natter:';

function read(key, fallback) {
  try {
    const v = localStorage.getItem(P + key);
    return v == null ? fallback : JSON.parse(v);
  } catch {
    return fallback;
  }
}

function write(key, value) {
  try {
    if (value == null) localStorage.removeItem(P + key);
    else localStorage.setItem(P + key, JSON.stringify(value));
  } catch {
    // Private mode or full storage: the widget still works, it just forgets.
  }
}

/** The anonymous random id sent with posts and votes (never personal data). */
export function voter() {
  let v = read('voter');
  if (!v) {
    const b = crypto.getRandomValues(new Uint8Array(16));
    v = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    write('voter', v);
  }
  return v;
}

/** Own comments: id -> {token, until, text}; expired entries are dropped. */
export function own(id) {
  const all = read('own', {});
  const o = all[id];
  return o && Date.parse(o.until) > Date.now() ? o : null;
}

export function setOwn(id, entry) {
  const all = read('own', {});
  const now = Date.now();
  for (const k in all) if (!(Date.parse(all[k].until) > now)) delete all[k];
  if (entry) all[id] = entry;
  else delete all[id];
  write('own', all);
}

/** The reader's vote on a comment: 1, -1 or 0. */
export const vote = (id) => read('votes', {})[id] || 0;

export function setVote(id, value) {
  const all = read('votes', {});
  if (value) all[id] = value;
  else delete all[id];
  write('votes', all);
}

/** Name, email and website, kept so a reader need not type them again. */
export const author = () => read('author', {});
export const setAuthor = (a) => write('author', a);

/** The unsent text of a form, kept through a reload. */
export const draft = (key) => read('draft:' + key, '');
export const setDraft = (key, text) => write('draft:' + key, text || null);
