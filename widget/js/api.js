// Talking to natter, and what the widget remembers in the reader's browser
// (localStorage only: natter sets no cookies).

/** A failed call; `code` is the server's error code, or "network". */
export class ApiError extends Error {
  constructor(status, body, wait) {
    super(body.message || '');
    Object.assign(this, { status, code: body.error || 'internal', field: body.field, wait });
  }
}

export class Api {
  /** `page` is {pageUrl, pageId}; `signal` aborts every call on unmount. */
  constructor(base, page, signal) {
    this.root = base + 'api/';
    this.signal = signal;
    this.page = new URLSearchParams({ url: page.pageUrl });
    if (page.pageId) this.page.set('page_id', page.pageId);
  }

  /** One call; `sent` is the same request already sent (and read) by
   *  embed.js, as {r: Response, data}. */
  async call(method, path, body, token, sent) {
    const headers = {};
    if (body) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    let r, data;
    try {
      ({ r, data } = await (sent || fetch(this.root + path, { method, headers, body: body && JSON.stringify(body), credentials: 'omit', signal: this.signal })
        .then((r) => r.json().catch(() => ({})).then((data) => ({ r, data })))));
    } catch (e) {
      if (this.signal && this.signal.aborted) throw e;
      throw new ApiError(0, { error: 'network' });
    }
    if (!r.ok) throw new ApiError(r.status, data, +r.headers.get('Retry-After'));
    data.held = r.status === 202;
    data.token = r.headers.get('Natter-Form-Token');
    return data;
  }

  /** GET /api/{what}?url=…&more */
  get(what, more, sent) {
    const q = new URLSearchParams(this.page);
    for (const k in more) if (more[k]) q.set(k, more[k]);
    return this.call('GET', what + '?' + q, null, null, sent);
  }

  post(body) {
    return this.call('POST', 'comments?' + this.page, body);
  }
}

const P = 'natter:';

function read(key, fallback) {
  try {
    return JSON.parse(localStorage.getItem(P + key)) || fallback;
  } catch {
    return fallback;
  }
}

function write(key, value) {
  try {
    if (value) localStorage.setItem(P + key, JSON.stringify(value));
    else localStorage.removeItem(P + key);
  } catch {
    // Storage blocked or full: the widget still works, it just forgets.
  }
}

/** Local memory: `voter` (an anonymous random id sent with posts and votes),
 *  `own` (id -> {token, until, text} of own comments), `votes` (id -> ±1),
 *  `author` (name, email, website) and drafts (`draft:KEY` -> text). */
export const store = {
  read,
  write,
  voter() {
    let v = read('voter');
    if (!v) write('voter', (v = [...crypto.getRandomValues(new Uint8Array(16))].map((x) => (x + 256).toString(16).slice(1)).join('')));
    return v;
  },
  /** An own comment still inside its edit window, or undefined. */
  own(id) {
    const o = read('own', {})[id];
    return o && Date.parse(o.until) > Date.now() ? o : undefined;
  },
  setOwn(id, entry) {
    const all = read('own', {});
    for (const k in all) if (!(Date.parse(all[k].until) > Date.now())) delete all[k];
    all[id] = entry;
    write('own', all);
  },
};
