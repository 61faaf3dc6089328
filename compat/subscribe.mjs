// Subscribes with graphql-ws, the reference client of the graphql-transport-ws protocol, and
// prints what happens as JSON lines on stdout:
//   {"event": "connected"}                       the server acknowledged connection_init
//   {"event": "next", "payload": {...}}          one result of the subscription
//   {"event": "closed", "code": 4403, "reason": "..."}
//   {"event": "error", "message": "..."}
// Exits 0 after `count` results, 1 when the connection or the subscription fails.
// Usage: node subscribe.mjs <ws url> <query> <variables JSON> <count> [bearer token]
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, query, variables, count, token] = process.argv.slice(2);
if (!url || !query || !variables || !count) {
  console.error('usage: node subscribe.mjs <ws url> <query> <variables JSON> <count> [token]');
  process.exit(2);
}

const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  lazy: false,
  retryAttempts: 0,
  connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  on: {
    connected: () => print({ event: 'connected' }),
    closed: (event) => print({ event: 'closed', code: event.code, reason: event.reason }),
  },
  // A refused connection must end the run, not wait for a subscription that never comes.
  onNonLazyError: () => {},
});

let received = 0;
const done = (status) => {
  client.dispose();
  process.exit(status);
};

client.subscribe(
  { query, variables: JSON.parse(variables) },
  {
    next: (payload) => {
      print({ event: 'next', payload });
      received += 1;
      if (received >= Number(count)) done(0);
    },
    error: (error) => {
      const message = error instanceof Error ? error.message : (error?.reason ?? String(error));
      print({ event: 'error', message, code: error?.code ?? null });
      done(1);
    },
    complete: () => done(received >= Number(count) ? 0 : 1),
  },
);
