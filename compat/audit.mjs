// Runs graphql-http's GraphQL-over-HTTP server audits against a running server and prints
// one JSON document: every audit's id, name, level (MUST/SHOULD/MAY), status and reason.
// Usage: node audit.mjs http://127.0.0.1:8000/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}

const results = await auditServer({ url });
const audits = [];
for (const result of results) {
  const entry = {
    id: result.id,
    name: result.name,
    level: result.name.split(' ', 1)[0],
    status: result.status,
  };
  if (result.status !== 'ok') {
    entry.reason = result.reason;
    entry.responseStatus = result.response.status;
    entry.responseType = result.response.headers.get('content-type');
    entry.responseBody = await result.response.text().catch(() => null);
  }
  audits.push(entry);
}

const summary = {};
for (const { level, status } of audits) {
  summary[level] ??= { ok: 0, notice: 0, warn: 0, error: 0 };
  summary[level][status] += 1;
}
console.log(JSON.stringify({ summary, audits }, null, 2));
