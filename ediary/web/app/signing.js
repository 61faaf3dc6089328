// The parent's signing key of this browser: an Ed25519 key pair made by WebCrypto, its private
// half not extractable, kept in IndexedDB (which stores a CryptoKey as it is, by structured
// clone), one per user of this browser. Its public half is registered with the API, which
// accepts one active key per parent; acknowledgements are signed with it (acks.js).
//
// It stays at sign-out: it signs nothing without its owner's session, since the API gives a
// challenge to sign only to that session, bound to the registered key; and a key dropped at
// every sign-out would have to be replaced, and the old one revoked, at every sign-in.
// "Forget" revokes it with the API and drops it here, for a computer that is shared.

import { ApiError, run } from './api.js';

/**
 * @typedef {import('./types.js').SigningKey} SigningKey
 * @typedef {import('./types.js').UserError} UserError
 * @typedef {{ user: string, keyId: string, publicKey: string, privateKey: CryptoKey }} KeptKey
 */

const DATABASE = 'ediary-keys';
const STORE = 'keys';
const ALGORITHM = 'Ed25519';

/** @returns {Promise<IDBDatabase>} */
function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'user' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * One request in its own transaction, its result once the transaction is done.
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest<T>} act
 * @returns {Promise<T>}
 */
async function inStore(mode, act) {
  const database = await open();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = database.transaction(STORE, mode);
      const request = act(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    database.close();
  }
}

/** @param {string} user @returns {Promise<KeptKey | null>} */
async function keptKey(user) {
  const found = await inStore('readonly', (store) => store.get(user));
  return found ? /** @type {KeptKey} */ (found) : null;
}

/** @param {KeptKey} key */
async function keep(key) {
  await inStore('readwrite', (store) => store.put(key));
}

/** @param {string} user */
async function drop(user) {
  await inStore('readwrite', (store) => store.delete(user));
}

/** @param {ArrayBuffer} bytes */
function base64(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}

/**
 * SHA-256 of a text's UTF-8 bytes, hex: how the API names a request's text in what is signed.
 * @param {string} text
 */
export async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Whether this browser's WebCrypto makes Ed25519 keys (Chromium 137+, Firefox 129+, Safari 17+). */
export async function canSign() {
  if (!globalThis.crypto?.subtle || typeof indexedDB === 'undefined') return false;
  try {
    await crypto.subtle.generateKey({ name: ALGORITHM }, false, ['sign', 'verify']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the user's key stands: `ready` when this browser holds their active key, `none` when
 * they have no active key at all, `elsewhere` when their active key is another device's.
 * A kept key the API no longer has as active (revoked elsewhere) is dropped here.
 * @param {string} user
 * @returns {Promise<{ state: 'ready', key: KeptKey, registered: SigningKey } | { state: 'none' } | { state: 'elsewhere', registered: SigningKey }>}
 */
export async function keyState(user) {
  /** @type {{ signingKeys: SigningKey[] | null }} */
  const data = await run('AppSigningKeys');
  const active = (data.signingKeys ?? []).find((key) => key.revokedAt === null);
  const kept = await keptKey(user);
  if (kept && active && kept.keyId === active.id && kept.publicKey === active.publicKey) {
    return { state: 'ready', key: kept, registered: active };
  }
  if (kept) await drop(user);
  return active ? { state: 'elsewhere', registered: active } : { state: 'none' };
}

/**
 * A refusal of the API as an error the screen can word.
 * @param {UserError[]} errors
 */
function refused(errors) {
  const first = errors[0];
  return new ApiError(first?.code ?? 'REFUSED', first?.message ?? '');
}

/**
 * Makes a new key pair here and registers its public half; with `replacing`, the user's
 * active key (another device's) is revoked first, as the API keeps one active key.
 * @param {string} user
 * @param {string | null} replacing the ID of the active key to revoke
 * @returns {Promise<KeptKey>}
 */
export async function makeKey(user, replacing) {
  // Not extractable: the private half never leaves WebCrypto, not even to this script.
  const pair = /** @type {CryptoKeyPair} */ (
    await crypto.subtle.generateKey({ name: ALGORITHM }, false, ['sign', 'verify'])
  );
  // A public key is always extractable; the API takes its raw 32 bytes in base64.
  const publicKey = base64(await crypto.subtle.exportKey('raw', pair.publicKey));
  if (replacing) await revoke(replacing);
  /** @type {{ registerSigningKey: { signingKey: SigningKey | null, userErrors: UserError[] } }} */
  const data = await run('AppRegisterSigningKey', { publicKey }, { mutation: true });
  const registered = data.registerSigningKey.signingKey;
  if (!registered) throw refused(data.registerSigningKey.userErrors);
  const key = { user, keyId: registered.id, publicKey: registered.publicKey, privateKey: pair.privateKey };
  await keep(key);
  return key;
}

/** @param {string} keyId */
async function revoke(keyId) {
  /** @type {{ revokeSigningKey: { signingKey: { id: string } | null, userErrors: UserError[] } }} */
  const data = await run('AppRevokeSigningKey', { key: keyId }, { mutation: true });
  if (!data.revokeSigningKey.signingKey) throw refused(data.revokeSigningKey.userErrors);
}

/**
 * Revokes the key with the API and drops it from this browser: nothing signed with it since.
 * @param {KeptKey} key
 */
export async function forgetKey(key) {
  await revoke(key.keyId);
  await drop(key.user);
}

/**
 * The Ed25519 signature of a payload's ASCII bytes, base64.
 * @param {KeptKey} key
 * @param {string} payload
 */
export async function sign(key, payload) {
  const bytes = new TextEncoder().encode(payload);
  return base64(await crypto.subtle.sign({ name: ALGORITHM }, key.privateKey, bytes));
}
