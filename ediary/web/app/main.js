// The app's entry: who is signed in, which screen the address names (`#/week/<child>/<week>`,
// `#/marks/<child>`, `#/progress/<child>`, `#/news|meetings|acks/<child>`, `#/settings/<child>`,
// `#/children`, `#/timetable[/<week>]`, `#/journal/<class>/<subject>[/<term>]`,
// `#/class/<class>/<section>`), the header with the
// language switch and sign-out, the kept week when there is no connection, and the service
// worker that lets the app open then. Conversations (`#/talk/<child>`, `#/conversation/<id>`)
// are loaded when opened.

import { ApiError, keepCsrfToken, run } from './api.js';
import { offerTalk, readingAsParent } from './child.js';
import { showChildren } from './children.js';
import { h } from './dom.js';
import { language, otherLanguage, setLanguage, t } from './i18n.js';
import { showLogin } from './login.js';
import { showMarks } from './marks.js';
import { forgetWeek, keptWeek } from './offline.js';
import { SESSION_ENDED, leaveWeek, showKeptWeek, showWeek } from './week.js';

/**
 * @typedef {import('./types.js').Viewer} Viewer
 * @typedef {import('./types.js').Child} Child
 * @typedef {import('./types.js').UserError} UserError
 */

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const tools = /** @type {HTMLElement} */ (document.getElementById('tools'));
const title = /** @type {HTMLElement} */ (document.getElementById('title'));

/** @type {Viewer | null | undefined} undefined until asked */
let viewer;

/** Stops what a screen loaded on demand follows live (conversations); set when it is drawn. */
let leaveScreen = () => {};

/** @returns {Promise<Viewer | null>} */
async function currentViewer() {
  if (viewer === undefined) {
    /** @type {{ viewer: Viewer | null }} */
    const data = await run('AppViewer');
    viewer = data.viewer;
    if (viewer?.csrfToken) keepCsrfToken(viewer.csrfToken);
  }
  return viewer;
}

/** The students whose diary the viewer reads: a parent's children, or a student themself. */
function studentsOf(/** @type {Viewer} */ who) {
  return [...(who.children ?? []), ...(who.student ? [who.student] : [])];
}

async function signOut() {
  // What this user read stays with them: nothing of it is left in the browser, even when the
  // server cannot be told. The week stops following first: logging out closes its connection.
  leaveWeek();
  leaveScreen();
  leaveScreen = () => {};
  await forgetWeek();
  /** @returns {Promise<UserError[]>} */
  const attempt = async () =>
    /** @type {{ logout: { userErrors: UserError[] } }} */ (
      await run('AppLogout', {}, { mutation: true })
    ).logout.userErrors;
  let errors = await attempt();
  if (errors.some((error) => error.code === 'CSRF_TOKEN_REQUIRED')) {
    // Another tab signed in again meanwhile: ask this session's token, as docs/api.md says.
    keepCsrfToken(null);
    viewer = undefined;
    await currentViewer();
    errors = await attempt();
  }
  keepCsrfToken(null);
  viewer = null;
  location.hash = '#/';
  await render();
}

function drawHeader() {
  document.documentElement.lang = language();
  document.title = t('appName');
  title.textContent = t('appName');
  const next = otherLanguage();
  const switcher = h(
    'button',
    { type: 'button', lang: next, onclick: () => { setLanguage(next); void render(); } },
    t('otherLanguage'),
  );
  const out = viewer && h('button', { type: 'button', onclick: () => void signOut() }, t('signOut'));
  // Teachers reach their conversations here; families by the sections of a child.
  const talk = viewer?.teacher && h('a', { href: '#/talk', class: 'talk-link' }, t('talk'));
  tools.replaceChildren(talk || '', switcher, out ?? '');
}

/**
 * Without a connection: the week kept in this browser, read-only, or a word that there is none.
 * Back online, the screen is drawn again from the API.
 */
async function showOffline() {
  const kept = await keptWeek();
  if (kept) showKeptWeek(main, kept);
  else main.replaceChildren(h('h1', { tabindex: '-1' }, t('appName')), h('p', { class: 'alert', role: 'alert' }, t('offlineNothing')));
  // The device may say it is online all along (the server, not the network, was away).
  const retry = h('button', { type: 'button', class: 'retry', onclick: () => void render() }, t('retry'));
  main.querySelector('.offline, .alert')?.after(retry);
  window.addEventListener('online', () => void render(), { once: true });
}

/**
 * A family's screens: the children to choose from, a child's week, marks or settings.
 * @param {HTMLElement} main
 * @param {Viewer} who
 * @param {string} screen
 * @param {string} id
 * @param {string} week
 */
async function showFamily(main, who, screen, id, week) {
  const students = studentsOf(who);
  const child = students.find((student) => student.id === id);
  const several = students.length > 1;
  const parent = (who.children ?? []).some((student) => student.id === id);
  readingAsParent(parent);
  // News, meetings and acknowledgements: their modules are fetched when first opened, so the
  // week's first load does not carry them.
  if (child && (screen === 'news' || screen === 'meetings' || (screen === 'acks' && parent))) {
    if (screen === 'news') await (await import('./news.js')).showNews(main, child, several);
    else if (screen === 'meetings') await (await import('./meetings.js')).showMeetings(main, child, several, parent);
    else await (await import('./acks.js')).showAcks(main, child, several, who.id);
    return;
  }
  if (screen === 'settings' && child) {
    // Settings are opened seldom: their module is not part of the week's first load.
    const { showSettings } = await import('./settings.js');
    await showSettings(main, child, several);
  } else if ((screen === 'week' || screen === 'marks' || screen === 'progress') && child) {
    if (screen === 'week') await showWeek(main, child, several, week || null, who.id);
    // The progress picture is its own module: the week's first load does not carry it.
    else if (screen === 'progress') await (await import('./progress.js')).showProgress(main, child, several);
    else await showMarks(main, child, several);
  } else if (students.length === 1 && students[0]) {
    location.replace(`#/week/${encodeURIComponent(students[0].id)}`);
    return;
  } else {
    showChildren(main, students);
  }
}

/** The screen the address names, drawn into <main>. */
async function render() {
  const [screen = '', rawId = '', week = '', term = ''] = location.hash.replace(/^#\/?/, '').split('/');
  const id = decodeURIComponent(rawId);
  leaveWeek();
  leaveScreen();
  leaveScreen = () => {};
  main.setAttribute('aria-busy', 'true');
  try {
    const who = await currentViewer();
    drawHeader();
    // Nobody signed in (any more), or someone else than the kept week's reader: drop it.
    await forgetWeek(who?.id);
    if (!who) {
      // `#/code` and `#/recover` are the sign-in's own screens (an access code, recovery).
      await showLogin(main, () => {
        viewer = undefined;
        void render();
      }, screen);
      return;
    }
    if (who.mustChangePassword) {
      main.replaceChildren(h('h1', { tabindex: '-1' }, t('signIn')), h('p', { role: 'alert' }, t('mustChangePassword')));
      return;
    }
    offerTalk(Boolean(who.children?.length));
    if (screen === 'talk' || screen === 'conversation') {
      // Conversations load when opened: the family's week downloads none of their code.
      const talk = screen === 'talk' ? await import('./talk.js') : await import('./conversation.js');
      leaveScreen = await talk.show(main, who, id);
    } else if (who.teacher && screen === 'timetable') {
      // The teacher's week of lessons, loaded when opened (`#/timetable[/<week>]`).
      const { showTimetable } = await import('./timetable.js');
      await showTimetable(main, id);
    } else if (who.teacher && screen === 'class') {
      // The class teacher's screens (`#/class/<class>/<section>`), loaded only when opened,
      // so that a family's first load never carries them.
      const { showMyClass } = await import('./myclass.js');
      await showMyClass(main, id, decodeURIComponent(week));
    } else if (who.teacher && (screen === 'journal' || studentsOf(who).length === 0)) {
      // The journal's module is the teacher's alone: a family's first load does not fetch it.
      const { focusJournal, showJournal, showJournals } = await import('./journal.js');
      if (screen === 'journal' && id && week) {
        // Here the third part of the address is the subject, the fourth the term if chosen.
        await showJournal(main, id, decodeURIComponent(week), term ? decodeURIComponent(term) : null);
        main.removeAttribute('aria-busy');
        focusJournal();
        return;
      }
      await showJournals(main);
      if (who.roles.includes('CLASS_TEACHER')) {
        main.querySelector('h1')?.after(h('p', {}, h('a', { href: '#/class', class: 'my-class' }, t('myClass'))));
      }
    } else {
      await showFamily(main, who, screen, id, week);
    }
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'UNAUTHENTICATED' || error.code === 'SESSION_EXPIRED')) {
      viewer = null;
      await render();
      return;
    }
    if (error instanceof ApiError && error.code === 'NETWORK') {
      // Asked again once the connection is back.
      viewer = undefined;
      drawHeader();
      await showOffline();
      return;
    }
    console.warn(error);
    main.replaceChildren(
      h('p', { class: 'alert', role: 'alert' }, t('failed')),
      h('button', { type: 'button', onclick: () => void render() }, t('retry')),
    );
  } finally {
    main.removeAttribute('aria-busy');
  }
  // A new screen: screen readers and keyboards start at its heading.
  main.querySelector('h1')?.focus();
}

// The skip link moves the focus without changing the address, which names the screen.
document.querySelector('.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

// The session ended elsewhere (logged out in another tab, the password changed) while a week
// was followed live: ask who is signed in, which drops the kept week and shows the sign-in.
window.addEventListener(SESSION_ENDED, () => {
  viewer = undefined;
  void render();
});

window.addEventListener('hashchange', () => {
  // `#main` is the skip link's target, not a screen.
  if (location.hash === '' || location.hash.startsWith('#/')) void render();
});
void render();

// The app's files, kept by the service worker so the page opens without a connection.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch((error) => console.warn(error));
}
