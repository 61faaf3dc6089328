// Live updates: a small client of graphql-transport-ws, the protocol the server speaks on
// /graphql (connection_init/ack, subscribe, next, error, complete, ping/pong). Written here
// rather than vendored: the protocol is a handful of messages, and the reference library
// would cost more than the rest of the week screen on a family's first load.
//
// The browser sends the session cookie with the handshake, so `connection_init` carries
// nothing. Over a WebSocket a trusted document goes by its text, exactly as registered
// (docs/api.md, trusted documents): the text is read from the app's own manifest,
// documents.json, so the modules never hold a second copy that could drift.

const PROTOCOL = 'graphql-transport-ws';
const PREFIX = 'ediary-app/';
// A dropped connection is tried again after 1, 2, 4... seconds, at most half a minute apart.
const LONGEST_WAIT = 30_000;
// The server closes with these when the session has ended: logging in again is the way on.
const SESSION_ENDED = [4401, 4403];

/** @type {Promise<Record<string, string>> | null} */
let manifest = null;

/**
 * The text of one of the app's registered documents.
 * @param {string} name
 * @returns {Promise<string>}
 */
async function registered(name) {
  manifest ??= fetch('/app/documents.json', { credentials: 'same-origin' }).then((answer) => {
    if (!answer.ok) throw new Error(`documents.json: HTTP ${answer.status}`);
    return answer.json();
  });
  let texts;
  try {
    texts = await manifest;
  } catch (error) {
    manifest = null; // asked again on the next try
    throw error;
  }
  const text = texts[PREFIX + name];
  if (!text) throw new Error(`${name} is not in documents.json`);
  return text;
}

/**
 * @template T
 * @typedef {{
 *   next: (data: T) => void,
 *   resumed?: () => void,
 *   ended?: (code: number) => void,
 * }} Listener
 * `next` gets each event's data; `resumed` is told when a dropped connection is back (events
 * may have been missed meanwhile); `ended` when the server ended the session (4401, 4403) or
 * refused the operation, after which nothing is tried again.
 */

/**
 * Subscribes to one of the app's registered subscriptions, by its operation's name.
 * @template T
 * @param {string} name the operation's name in documents.json
 * @param {Record<string, unknown>} variables
 * @param {Listener<T>} listener
 * @returns {() => void} stops the subscription and closes its connection
 */
export function subscribe(name, variables, listener) {
  /** @type {WebSocket | null} */
  let socket = null;
  let stopped = false;
  let failures = 0;
  let dropped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;

  /** @param {WebSocket} ws @param {Record<string, unknown>} message */
  const send = (ws, message) => ws.send(JSON.stringify(message));

  const again = () => {
    if (stopped) return;
    dropped = true;
    timer = setTimeout(() => void open(), Math.min(LONGEST_WAIT, 1000 * 2 ** failures));
    failures += 1;
  };

  const open = async () => {
    let query;
    try {
      query = await registered(name);
    } catch {
      again();
      return;
    }
    if (stopped) return;
    const address = new URL('/graphql', location.href);
    address.protocol = address.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(address, PROTOCOL);
    socket = ws;
    ws.onopen = () => send(ws, { type: 'connection_init', payload: {} });
    ws.onmessage = (event) => {
      /** @type {{ type: string, id?: string, payload?: any }} */
      const message = JSON.parse(String(event.data));
      if (message.type === 'connection_ack') {
        failures = 0;
        send(ws, { id: '1', type: 'subscribe', payload: { query, operationName: name, variables } });
        if (dropped) listener.resumed?.();
        dropped = false;
      } else if (message.type === 'ping') {
        send(ws, { type: 'pong' });
      } else if (message.type === 'next' && message.payload?.data) {
        listener.next(/** @type {T} */ (message.payload.data));
      } else if (message.type === 'error' || message.type === 'complete') {
        // Refused (a validation error) or finished by the server: trying again would not help.
        stopped = true;
        ws.close(1000);
        listener.ended?.(0);
      }
    };
    ws.onclose = (event) => {
      if (socket === ws) socket = null;
      if (stopped) return;
      if (SESSION_ENDED.includes(event.code)) {
        stopped = true;
        listener.ended?.(event.code);
        return;
      }
      again();
    };
  };

  void open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    const ws = socket;
    socket = null;
    if (!ws) return;
    if (ws.readyState === WebSocket.OPEN) send(ws, { id: '1', type: 'complete' });
    ws.close(1000);
  };
}
