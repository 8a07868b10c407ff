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
  write: 'Leave a comment',
  replyTo: 'Reply to {name}',
  editing: 'Edit your comment',
  name: 'Name',
  email: 'Email',
  website: 'Website',
  comment: 'Comment',
  optional: '(optional)',
  required: '(required)',
  emailHint: 'Not shown publicly. Used only to send you the emails you ask for below.',
  emailHintOff: 'Not shown publicly. Only the moderators of this site can see it.',
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
const files = {};
const units = [['year', 31536e3], ['month', 2592e3], ['day', 864e2], ['hour', 3600], ['minute', 60]];

/** The reader's language: data-lang, then the page's lang, then the browser. */
export function pick(el, wanted) {
  const host = el.closest('[lang]');
  for (const l of [wanted, host && host.lang, ...navigator.languages]) {
    const b = l && l.toLowerCase().split('-')[0];
    if (known.includes(b)) return b;
  }
  return 'en';
}

/** Resolves to {t, ago, date, lang, dir} for `lang`; a string missing from
 *  a translation falls back to English. */
export async function strings(base, lang) {
  if (lang !== 'en') {
    files[lang] ||= fetch(base + 'i18n/' + lang + '.json', { credentials: 'omit' }).then((r) => r.json()).catch(() => ({}));
  }
  const s = { ...en, ...(await files[lang]) };
  const plural = new Intl.PluralRules(lang);
  const num = new Intl.NumberFormat(lang);
  const rel = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  let full;
  /** The string `key` with its {slots} filled; `vars.n` also picks the plural. */
  const t = (key, vars = {}) => {
    let v = s[key];
    if (v.other) v = v[plural.select(vars.n)] || v.other;
    return v.replace(/\{(\w+)\}/g, (_, k) => (k === 'n' ? num.format(vars.n) : vars[k]));
  };
  /** "5 minutes ago", "yesterday", … */
  const ago = (iso) => {
    const secs = (Date.parse(iso) - Date.now()) / 1000;
    for (const [unit, n] of units) if (Math.abs(secs) >= n) return rel.format(Math.round(secs / n), unit);
    return s.now;
  };
  /** The full date and time; its formatter is slow to make, so only on demand. */
  const date = (iso) => (full ||= new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' })).format(new Date(iso));
  return { t, ago, date, lang, dir: lang === 'ar' ? 'rtl' : 'ltr' };
}

const words = {
  network: 'eNet', unknown_site: 'eSite', forbidden_origin: 'eSite', thread_locked: 'locked', banned: 'eBanned',
  own_comment: 'eOwn', duplicate: 'eDup', edit_window_closed: 'eWindow', invalid_token: 'eWindow',
  missing_token: 'eWindow', not_found: 'eGone', internal: 'eServer',
};

/** Plain words for an ApiError in the reader's language; a validation
 *  message the widget has no words for is the server's own sentence. */
export function explain(s, err) {
  if (err.code === 'rate_limited' && err.wait) return s.t('eRate', { n: err.wait });
  if (err.code === 'payload_too_large') return s.t('eLong', { n: 10000 });
  return words[err.code] ? s.t(words[err.code]) : err.message || s.t('eServer');
}
