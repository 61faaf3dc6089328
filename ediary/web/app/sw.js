// The app's service worker: it keeps the app's own files (the page, modules, styles, icons and
// documents, the same for everybody) so that the page opens without a connection, and the
// kept week (offline.js) can be read. It never touches the API: /graphql and the file routes
// go to the network as they would without it, so nothing a user reads passes through here.
//
// The network comes first: online, every file is asked as before (they are revalidated on
// each load, so a deploy's new modules arrive at once) and the copy is refreshed; only when
// the network fails is the copy served.

/**
 * The few types of the service worker's scope the app uses (tsc checks these files against
 * the DOM's types, which lack them).
 * @typedef {Event & { waitUntil(promise: Promise<unknown>): void }} ExtendableEvent
 * @typedef {ExtendableEvent & {
 *   request: Request, respondWith(response: Promise<Response>): void
 * }} FetchEvent
 * @typedef {{
 *   addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void,
 *   addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void,
 *   skipWaiting(): Promise<void>,
 *   clients: { claim(): Promise<void> },
 *   location: Location,
 * }} WorkerScope
 */

const worker = /** @type {WorkerScope} */ (/** @type {unknown} */ (self));

// A new name when the list changes: the old copy is dropped at activation.
const SHELL = 'ediary-shell-9';
// Everything the page loads, kept at installation (tests/web/test_app_files.py checks that no
// module or style is missing here).
const FILES = [
  '/app/',
  '/app/main.js',
  '/app/api.js',
  '/app/live.js',
  '/app/offline.js',
  '/app/login.js',
  '/app/children.js',
  '/app/child.js',
  '/app/week.js',
  '/app/marks.js',
  '/app/forecast.js',
  '/app/progress.js',
  '/app/journal.js',
  '/app/timetable.js',
  '/app/settings.js',
  // The class teacher's screens, loaded by main.js only when opened.
  '/app/myclass.js',
  '/app/class-ui.js',
  '/app/class-meetings.js',
  '/app/class-news.js',
  '/app/class-acks.js',
  '/app/class-logins.js',
  // Only with the Dnevnik plugin, and loaded only then.
  '/app/class-codes.js',
  '/app/news.js',
  '/app/meetings.js',
  '/app/acks.js',
  '/app/signing.js',
  '/app/talk.js',
  '/app/conversation.js',
  '/app/i18n.js',
  '/app/weeks.js',
  '/app/dom.js',
  '/app/types.js',
  '/app/theme.css',
  '/app/app.css',
  '/app/documents.json',
  '/app/accesscode.js',
  '/app/recovery.js',
  '/app/documents.dnevnik.json',
  '/app/manifest.webmanifest',
  '/app/icon.svg',
  '/app/icon-192.png',
  '/app/icon-512.png',
];

worker.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(FILES))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      // Older copies of the app's files only; the kept week (ediary-offline) is offline.js's.
      .then((names) => Promise.all(names.filter((name) => name.startsWith('ediary-shell-') && name !== SHELL).map((name) => caches.delete(name))))
      .then(() => worker.clients.claim()),
  );
});

/**
 * The network's answer, kept when it is a good one; the kept copy when the network fails.
 * @param {Request} request
 * @returns {Promise<Response>}
 */
async function networkFirst(request) {
  const cache = await caches.open(SHELL);
  try {
    const answer = await fetch(request);
    if (answer.ok) await cache.put(request, answer.clone());
    return answer;
  } catch (error) {
    // The page is one for every address of the app (`/app/#/week/...` asks `/app/`).
    const kept = await cache.match(request, { ignoreSearch: true });
    if (kept) return kept;
    throw error;
  }
}

worker.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  const ours =
    event.request.method === 'GET' &&
    url.origin === worker.location.origin &&
    FILES.includes(url.pathname);
  if (ours) event.respondWith(networkFirst(event.request));
});
