// The app's only way to the server: the public GraphQL endpoint, by the ids of the trusted
// documents in documents.json (never a document's text), with the cookie session and, for
// mutations, the CSRF token in `X-CSRF-Token` as docs/api.md describes for browser pages.

const ENDPOINT = '/graphql';
const PREFIX = 'ediary-app/';
const TOKEN = 'ediary.csrf';

/** An answer that is not data: a GraphQL error, a refusal, or no connection. */
export class ApiError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * The session's CSRF token: kept by this tab after a login, else the `ediary_csrf` cookie
 * every browser login sets for the server's own pages.
 * @returns {string | null}
 */
function csrfToken() {
  const kept = sessionStorage.getItem(TOKEN);
  if (kept) return kept;
  const cookie = document.cookie.split('; ').find((pair) => pair.startsWith('ediary_csrf='));
  return cookie ? decodeURIComponent(cookie.slice('ediary_csrf='.length)) : null;
}

/** @param {string | null} token */
export function keepCsrfToken(token) {
  if (token) sessionStorage.setItem(TOKEN, token);
  else sessionStorage.removeItem(TOKEN);
}

/**
 * Runs one of the app's registered documents by its name and returns its `data`.
 * @template T
 * @param {string} name the operation's name in documents.json
 * @param {Record<string, unknown>} [variables]
 * @param {{ mutation?: boolean }} [options]
 * @returns {Promise<T>}
 */
export async function run(name, variables = {}, { mutation = false } = {}) {
  /** @type {Record<string, string>} */
  const headers = {
    'Content-Type': 'application/json',
    Accept: 'application/graphql-response+json, application/json;q=0.9',
  };
  const token = mutation ? csrfToken() : null;
  if (token) headers['X-CSRF-Token'] = token;
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: 'POST',
      credentials: 'same-origin',
      headers,
      body: JSON.stringify({ documentId: PREFIX + name, operationName: name, variables }),
    });
  } catch {
    throw new ApiError('NETWORK', 'no connection');
  }
  /** @type {{ data?: T | null, errors?: { message: string, extensions?: { code?: string } }[] }} */
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`HTTP_${response.status}`, response.statusText);
  }
  const error = body.errors?.[0];
  if (error || !body.data) {
    throw new ApiError(error?.extensions?.code ?? `HTTP_${response.status}`, error?.message ?? '');
  }
  return body.data;
}
