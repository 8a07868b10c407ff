// natter's admin page: signing in and out, and the sections a moderator
// moves between with the links at the top (the address's #fragment).

import { api } from './api.js';
import { announce } from './ui.js';
import { queueSection, commentsSection } from './comments.js';
import { threadsSection } from './threads.js';
import { sitesSection } from './sites.js';
import { bansSection } from './bans.js';
import { readersSection } from './readers.js';
import { auditSection } from './audit.js';
import { outboxSection } from './outbox.js';

const $ = (id) => document.getElementById(id);

const makers = {
  queue: queueSection,
  comments: commentsSection,
  threads: threadsSection,
  readers: readersSection,
  sites: sitesSection,
  bans: bansSection,
  outbox: outboxSection,
  audit: auditSection,
};

/** The sections of the signed-in page, built at sign-in and thrown away at sign-out. */
let sections = null;

/** What the sections share: the list of sites (fetched once, again after a change). */
function context() {
  let sites = null;
  return {
    sites() {
      sites ||= api.get('sites').then((r) => r.sites).catch((e) => { sites = null; throw e; });
      return sites;
    },
    sitesChanged() { sites = null; },
    held(n) {
      $('nav-queue').textContent = n ? `Queue (${n} held)` : 'Queue';
    },
    /** Counts the held comments again, after a change made outside the queue. */
    async recount() {
      try {
        this.held((await api.get('comments', { status: 'pending', limit: 1 })).total);
      } catch {
        // The count is a convenience; the queue itself shows any error.
      }
    },
  };
}

function signedIn(session, moveFocus) {
  api.csrf = session.csrf_token;
  $('who').textContent = session.username;
  $('loading').hidden = true;
  $('signin').hidden = true;
  $('account').hidden = false;
  $('nav').hidden = false;
  const ctx = context();
  sections = {};
  const app = $('app');
  app.replaceChildren();
  for (const [name, make] of Object.entries(makers)) {
    const s = make(ctx);
    s.el.id = 'section-' + name;
    s.el.hidden = true;
    sections[name] = s;
    app.append(s.el);
  }
  route(moveFocus);
}

function signedOut(message) {
  api.csrf = '';
  sections = null;
  $('app').replaceChildren();
  $('loading').hidden = true;
  $('account').hidden = true;
  $('account-error').hidden = true;
  $('nav').hidden = true;
  $('nav-queue').textContent = 'Queue';
  $('signin').hidden = false;
  $('password').value = '';
  document.title = 'Sign in – natter moderation';
  const box = $('signin-error');
  box.textContent = message || '';
  box.hidden = !message;
}

/** Shows the section the address names (the queue when it names none). */
function route(moveFocus) {
  if (!sections) return;
  const name = Object.hasOwn(sections, location.hash.slice(1)) ? location.hash.slice(1) : 'queue';
  for (const [n, s] of Object.entries(sections)) s.el.hidden = n !== name;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === '#' + name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const s = sections[name];
  if (moveFocus) $('status').textContent = '';
  document.title = `${s.title} – natter moderation`;
  s.show();
  if (moveFocus) s.heading.focus();
}

async function signIn(event) {
  event.preventDefault();
  const form = event.target;
  const button = form.querySelector('button[type=submit]');
  if (button.getAttribute('aria-disabled') === 'true') return;
  const box = $('signin-error');
  box.hidden = true;
  button.setAttribute('aria-disabled', 'true');
  try {
    const session = await api.post('login', { username: $('username').value, password: $('password').value });
    $('password').value = '';
    signedIn(session, true);
    announce(`Signed in as ${session.username}.`);
  } catch (e) {
    box.textContent = e.message;
    box.hidden = false;
    $('password').select();
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

async function signOut(everywhere, button) {
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  const box = $('account-error');
  box.hidden = true;
  try {
    await api.post('logout', { everywhere });
    signedOut();
    announce(everywhere ? 'You are signed out on every device.' : 'You are signed out.');
    $('signin-title').focus();
  } catch (e) {
    box.textContent = e.message;
    box.hidden = false;
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

async function start() {
  api.onSignedOut = () => {
    if (sections) {
      signedOut('Your session has ended. Please sign in again.');
      $('signin-title').focus();
    }
  };
  $('signin-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', (e) => signOut(false, e.currentTarget));
  $('signout-all').addEventListener('click', (e) => signOut(true, e.currentTarget));
  // Only the section links change the section; other fragments (the skip link's) do not.
  window.addEventListener('hashchange', () => {
    if (sections && Object.hasOwn(sections, location.hash.slice(1))) route(true);
  });
  try {
    signedIn(await api.get('session'), false);
  } catch (e) {
    signedOut(e.code === 'not_signed_in' ? '' : e.message);
  }
}

start();
