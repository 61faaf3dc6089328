// The last week a family opened, kept in this browser for reading it without a connection.
//
// What is kept: the API's answer for that one week as it was drawn, whose it is (the signed-in
// user's ID) and when it was loaded; never the session cookie or the CSRF token. It lives in
// the Cache API under a made-up address of the app's scope, which no request ever fetches.
// It is dropped at sign-out, when the server says nobody is signed in any more, and when
// another user signs in on this browser: a copy is only ever shown to the user who saw it.

const STORE = 'ediary-offline';
const KEY = '/app/offline/last-week';

/**
 * @typedef {{
 *   user: string, child: import('./types.js').Child, severalChildren: boolean,
 *   diary: import('./types.js').DiaryWeek, savedAt: string,
 * }} KeptWeek
 */

/** The Cache API is there in secure contexts only (HTTPS, or this machine). */
function available() {
  return typeof caches !== 'undefined';
}

/**
 * Keeps `week` as the last one read, in place of any before.
 * @param {KeptWeek} week
 */
export async function keepWeek(week) {
  if (!available()) return;
  try {
    const store = await caches.open(STORE);
    await store.put(
      KEY,
      new Response(JSON.stringify(week), { headers: { 'Content-Type': 'application/json' } }),
    );
  } catch (error) {
    // A full or refused storage leaves the app working online; it only cannot keep a copy.
    console.warn(error);
  }
}

/** @returns {Promise<KeptWeek | null>} the week kept, if any */
export async function keptWeek() {
  if (!available()) return null;
  try {
    const found = await (await caches.open(STORE)).match(KEY);
    return found ? /** @type {KeptWeek} */ (await found.json()) : null;
  } catch {
    return null;
  }
}

/**
 * Drops the kept week; with `except`, only when it is another user's.
 * @param {string} [except] the signed-in user's ID
 */
export async function forgetWeek(except) {
  if (!available()) return;
  if (except !== undefined && (await keptWeek())?.user === except) return;
  try {
    await caches.delete(STORE);
  } catch (error) {
    console.warn(error);
  }
}
