// Comment counts for listing pages: every [data-natter-count="URL"] element
// gets "N comments" in its own language, all from one request.

import { Api } from './api.js';
import { pick, strings } from './i18n.js';

export async function fill(base, els) {
  const abs = (el) => new URL(el.dataset.natterCount || location.href, location.href).href;
  const urls = [...new Set(Array.from(els, abs))];
  const counts = await new Api(base, { pageUrl: location.href }).counts(urls);
  const langs = {};
  for (const el of els) {
    const n = counts[abs(el)];
    if (n == null) continue;
    const lang = pick(el, el.dataset.lang);
    const s = await (langs[lang] ||= strings(base, lang));
    el.textContent = s.t('count', { n });
  }
}
