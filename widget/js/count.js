// Comment counts for listing pages: every [data-natter-count="URL"] element
// gets "N comments" in its own language, all from one request.

import { Api } from './api.js';
import { pick, strings } from './i18n.js';

export async function fill(base, els) {
  const abs = (el) => new URL(el.dataset.natterCount || location.href, location.href).href;
  const { counts } = await new Api(base, { pageUrl: location.href }).call('POST', 'counts', { urls: [...new Set([...els].map(abs))] });
  const langs = {};
  for (const el of els) {
    const n = counts[abs(el)];
    const lang = pick(el, el.dataset.lang);
    if (n != null) el.textContent = (await (langs[lang] ||= strings(base, lang))).t('count', { n });
  }
}
