// Talking to natter's admin API (same origin, session cookie). Every change
// carries the CSRF token given at sign-in.

/** A failed call: `code` is the server's error code, `field` the field it names. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body.message || `natter answered with an error (${status}). Please try again.`);
    this.status = status;
    this.code = body.error || 'internal';
    this.field = body.field;
  }
}

export const api = {
  csrf: '',
  /** Called when the session has ended, so the page can ask to sign in again. */
  onSignedOut: null,

  async call(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') headers['X-CSRF-Token'] = this.csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let r;
    try {
      r = await fetch('/admin/api/' + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, { error: 'network', message: 'natter could not be reached. Check the connection and try again.' });
    }
    if (r.status === 204) return {};
    const data = await r.json().catch(() => ({}));
    if (!r.ok) {
      const e = new ApiError(r.status, data);
      if (e.code === 'not_signed_in' && path !== 'session' && this.onSignedOut) this.onSignedOut();
      throw e;
    }
    return data;
  },

  /** GET with query parameters; empty ones are left out. */
  get(path, params = {}) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, v);
    const s = q.toString();
    return this.call('GET', s ? `${path}?${s}` : path);
  },
  post(path, body = {}) { return this.call('POST', path, body); },
  patch(path, body) { return this.call('PATCH', path, body); },
  put(path, body) { return this.call('PUT', path, body); },
  del(path) { return this.call('DELETE', path); },
};
