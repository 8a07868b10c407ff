// The natter JSON API, as the widget uses it. Every failure becomes an
// ApiError whose `code` is the server's error code, or "network" when the
// server could not be reached at all.

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super(body.message || body.error);
    this.status = status;
    this.code = body.error || 'internal';
    this.field = body.field;
    this.retryAfter = retryAfter;
  }
}

export class Api {
  /** `page` is {pageUrl, pageId}; `signal` aborts everything on unmount. */
  constructor(base, page, signal) {
    this.root = base + 'api/';
    this.signal = signal;
    const q = new URLSearchParams({ url: page.pageUrl });
    if (page.pageId) q.set('page_id', page.pageId);
    this.page = q.toString();
  }

  async call(method, path, body, token) {
    const headers = {};
    if (body) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    let r;
    try {
      r = await fetch(this.root + path, {
        method,
        headers,
        body: body && JSON.stringify(body),
        credentials: 'omit',
        signal: this.signal,
      });
    } catch (e) {
      if (this.signal && this.signal.aborted) throw e;
      throw new ApiError(0, { error: 'network' });
    }
    const data = r.status === 204 ? {} : await r.json().catch(() => ({}));
    if (!r.ok) throw new ApiError(r.status, data, Number(r.headers.get('Retry-After')) || 0);
    return { data, res: r };
  }

  config() {
    return this.call('GET', 'config?' + this.page).then((x) => x.data);
  }

  /** One page of the thread; resolves to {data, formToken}. */
  async comments(sort, cursor) {
    let q = this.page + '&sort=' + sort;
    if (cursor) q += '&cursor=' + encodeURIComponent(cursor);
    const { data, res } = await this.call('GET', 'comments?' + q);
    return { data, formToken: res.headers.get('Natter-Form-Token') };
  }

  /** Resolves to {comment, edit_token, edit_until, held}. */
  async post(body) {
    const { data, res } = await this.call('POST', 'comments?' + this.page, body);
    data.held = res.status === 202;
    return data;
  }

  edit(id, token, text) {
    return this.call('PATCH', 'comments/' + id, { text }, token).then((x) => x.data.comment);
  }

  remove(id, token) {
    return this.call('DELETE', 'comments/' + id, null, token);
  }

  vote(id, value, voter) {
    return this.call('POST', 'comments/' + id + '/vote', { value, voter }).then((x) => x.data);
  }

  preview(text) {
    return this.call('POST', 'preview', { text }).then((x) => x.data.html);
  }

  counts(urls) {
    return this.call('POST', 'counts', { urls }).then((x) => x.data.counts);
  }
}
