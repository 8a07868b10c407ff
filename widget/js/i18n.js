// The widget's words. English is built in; the other languages are fetched
// from /i18n/LANG.json only when a reader needs them. An entry that is an
// object is a plural: keys are Intl.PluralRules categories.

export const en = {
  count: { one: '{n} comment', other: '{n} comments' },
  loading: 'Loading comments…',
  empty: 'No comments yet. Be the first to share your thoughts.',
  sort: 'Sort',
  oldest: 'Oldest first',
  newest: 'Newest first',
  top: 'Most liked first',
  more: 'Show more comments',
  fresh: 'There are new comments. Show them',
  write: 'Leave a comment',
  replyTo: 'Reply to {name}',
  editing: 'Edit your comment',
  name: 'Name',
  email: 'Email',
  website: 'Website',
  comment: 'Comment',
  optional: '(optional)',
  required: '(required)',
  emailHint: 'Never shown to anyone. Used only to send you the emails you ask for below.',
  emailHintOff: 'Never shown to anyone. Only the moderators of this site can see it.',
  md: 'You can use Markdown: *italic*, **bold**, [link](https://example.org), > quote.',
  notifyReplies: 'Email me when someone replies to me',
  notifyThread: 'Email me about new comments on this page',
  confirmHint: 'We will first send you a link to confirm your address.',
  preview: 'Preview',
  keepWriting: 'Keep writing',
  post: 'Post comment',
  posting: 'Posting…',
  reply: 'Reply',
  cancel: 'Cancel',
  edit: 'Edit',
  save: 'Save',
  del: 'Delete',
  confirmDel: 'Delete this comment for good?',
  yesDel: 'Yes, delete it',
  keep: 'Keep it',
  like: 'Like',
  dislike: 'Dislike',
  anon: 'Anonymous',
  inReplyTo: 'in reply to {name}',
  edited: '(edited)',
  deleted: 'This comment was deleted.',
  pending: 'Waiting for approval',
  held: 'Thank you! Your comment is waiting for a moderator and will appear once it is approved.',
  published: 'Thank you! Your comment is published.',
  editFor: { one: 'You can edit or delete it for {n} minute.', other: 'You can edit or delete it for {n} minutes.' },
  updated: 'Your comment is updated.',
  removed: 'Your comment is deleted.',
  locked: 'Comments are closed on this page.',
  now: 'just now',
  eNet: 'We could not reach the comment server. Check your connection and try again. Your text is still here.',
  eRate: { one: 'You are going too fast. Please wait {n} second, then try again.', other: 'You are going too fast. Please wait {n} seconds, then try again.' },
  eSite: 'Comments are not set up for this website yet.',
  eText: 'Please write your comment first.',
  eLong: 'This is too long: {n} characters at most.',
  eReq: 'Please fill this in.',
  eNotify: 'Please give your email address so we can send you emails.',
  eEmail: 'Please check the email address. It should look like name@example.org.',
  eUrl: 'Please give a full web address, starting with https:// or http://.',
  eBanned: 'You cannot comment on this website.',
  eOwn: 'You cannot vote for your own comment.',
  eDup: 'You have already posted this comment.',
  eWindow: 'The time to change this comment has run out.',
  eGone: 'This comment no longer exists.',
  eServer: 'Something went wrong on the comment server. Please try again later.',
  eLoad: 'The comments could not be loaded.',
};

const known = ['en', 'de', 'fr', 'es', 'nl', 'pt', 'ar'];
const cache = {};

/** The reader's language: data-lang, then the page's lang, then the browser. */
export function pick(el, wanted) {
  const host = el.closest('[lang]');
  const tries = [wanted, host && host.lang, ...navigator.languages];
  for (const l of tries) {
    const b = l && l.toLowerCase().split('-')[0];
    if (known.includes(b)) return b;
  }
  return 'en';
}

/** Resolves to the strings of `lang` (English where a translation lacks one),
 *  with helpers bound to that language. */
export async function strings(base, lang) {
  let own = {};
  if (lang !== 'en') {
    cache[lang] ||= fetch(base + 'i18n/' + lang + '.json', { credentials: 'omit' })
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}));
    own = await cache[lang];
  }
  const s = { ...en, ...own };
  const plural = new Intl.PluralRules(lang);
  const num = new Intl.NumberFormat(lang);
  const rel = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const full = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' });

  /** The string `key`, with {name}-style slots filled; `n` picks a plural. */
  function t(key, vars = {}) {
    let v = s[key];
    if (typeof v === 'object') v = v[plural.select(vars.n)] || v.other;
    return v.replace(/\{(\w+)\}/g, (_, k) => (k === 'n' ? num.format(vars.n) : vars[k]));
  }

  /** "5 minutes ago", "yesterday", … */
  function ago(iso) {
    const secs = (Date.parse(iso) - Date.now()) / 1000;
    const a = Math.abs(secs);
    if (a < 45) return s.now;
    const steps = [[60, 'minute'], [3600, 'hour'], [86400, 'day'], [2629800, 'month'], [31557600, 'year']];
    let i = 0;
    while (i < 4 && a >= steps[i + 1][0] * (i === 2 ? 26 / 30.4 : 0.9)) i++;
    return rel.format(Math.round(secs / steps[i][0]), steps[i][1]);
  }

  return { t, ago, lang, dir: lang === 'ar' ? 'rtl' : 'ltr', date: (iso) => full.format(new Date(iso)) };
}

const words = {
  network: 'eNet', unknown_site: 'eSite', forbidden_origin: 'eSite', thread_locked: 'locked',
  banned: 'eBanned', own_comment: 'eOwn', duplicate: 'eDup', edit_window_closed: 'eWindow',
  invalid_token: 'eWindow', missing_token: 'eWindow', not_found: 'eGone', payload_too_large: 'eLong',
  internal: 'eServer',
};

/** Plain words for an ApiError, in the reader's language where natter has
 *  them (a validation message falls back to the server's own sentence). */
export function explain(s, err) {
  if (err.code === 'rate_limited') return err.retryAfter ? s.t('eRate', { n: err.retryAfter }) : err.message;
  if (err.code === 'payload_too_large') return s.t('eLong', { n: 10000 });
  return words[err.code] ? s.t(words[err.code]) : err.message || s.t('eServer');
}
