// A local provider that behaves like ESIA (State Services) where the Moscow plugin meets it,
// built on the OpenID Connect provider `oidc-provider`:
// - PKCE with S256 is required, and a wrong code_verifier is refused (invalid_grant);
// - the client authenticates with ESIA's client_secret, at the authorization request and at
//   the token request: a detached GOST CMS signature of scope + timestamp + client_id + state,
//   checked against the registered certificate by the Python verifier
//   (`python -m tests.esia.verify CERTIFICATE`); a bad one is invalid_client;
// - /rs/prns/{oid} and /rs/prns/{oid}/kids answer with ESIA's JSON shapes, for the person's
//   own access token only.
// Test-only routes: PUT /test/persons/{oid} sets a person and their kids (given in full or
// as references, under the provider's address or another one), GET /test/checks
// lists the signature checks made, at the authorization and the token requests.
//
// node esia-provider.mjs PORT CLIENT_ID REDIRECT_URI CERTIFICATE PYTHON PYTHON_CWD

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { URLSearchParams } from 'node:url';

import Provider from 'oidc-provider';

const [port, clientId, redirectUri, certificate, python, pythonCwd] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const SCOPES = ['openid', 'fullname', 'birthdate', 'gender', 'snils', 'id_doc', 'kid_fullname',
  'kid_birthdate', 'kid_gender', 'kid_snils'];
// What the signature check lets through to oidc-provider's own client authentication: the
// signed secret is checked here, then stands for the client as a registered secret would.
const REGISTERED_SECRET = randomBytes(32).toString('base64url');

const persons = new Map(); // oid -> {person, kids, kidsAsReferences}
const checks = []; // {ok, reason}

function verifySignature(message, signature) {
  return new Promise((resolve) => {
    const child = spawn(python, ['-m', 'tests.esia.verify', certificate], { cwd: pythonCwd });
    let reason = '';
    child.stderr.on('data', (chunk) => { reason += chunk; });
    child.on('close', (code) => resolve({ ok: code === 0, reason: reason.trim() }));
    child.stdin.end(JSON.stringify({ message, signature }));
  });
}

// The signature in a request's client_secret, over scope + timestamp + client_id + state
// taken from the same request; recorded for the tests.
async function checkClient(step, params) {
  const message = ['scope', 'timestamp', 'client_id', 'state']
    .map((name) => params.get(name) || '').join('');
  const check = params.get('client_id') === clientId
    ? await verifySignature(message, params.get('client_secret') || '')
    : { ok: false, reason: 'unknown client' };
  checks.push({ step, ...check });
  return check;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function eTag() {
  return randomBytes(20).toString('hex').toUpperCase();
}

function kidResource(kid) {
  return { stateFacts: ['Identifiable'], eTag: eTag(), ...kid };
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: REGISTERED_SECRET,
    token_endpoint_auth_method: 'client_secret_post',
    redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  pkce: { required: () => true },
  scopes: SCOPES,
  claims: { openid: ['sub'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  async findAccount(ctx, sub) {
    return { accountId: sub, claims: async () => ({ sub }) };
  },
});
provider.on('server_error', (ctx, error) => console.error('server_error', error));

async function bearer(ctx) {
  const header = ctx.get('authorization');
  if (!header.startsWith('Bearer ')) return null;
  return provider.AccessToken.find(header.slice('Bearer '.length));
}

async function personRoutes(ctx, oid, rest) {
  const token = await bearer(ctx);
  if (!token || token.accountId !== oid) {
    ctx.status = 401;
    ctx.body = { code: 'ESIA-005011', message: 'The access token is not for this person' };
    return;
  }
  const known = persons.get(oid);
  if (!known) {
    ctx.status = 404;
    return;
  }
  const granted = new Set(token.scope.split(' '));
  if (rest === '') {
    ctx.body = { stateFacts: ['EntityRoot'], eTag: eTag(), ...known.person };
    if (!granted.has('snils')) delete ctx.body.snils;
    return;
  }
  if (!granted.has('kid_fullname')) {
    ctx.status = 403;
    ctx.body = { code: 'ESIA-005002', message: 'No access to the kids of this person' };
    return;
  }
  if (rest === '/kids') {
    const embedded = ctx.query.embed === '(elements)' && !known.kidsAsReferences;
    ctx.body = {
      stateFacts: ['hasSize'],
      size: known.kids.length,
      eTag: eTag(),
      elements: known.kids.map((kid) => (
        embedded ? kidResource(kid) : `${known.referenceBase}/rs/prns/${oid}/kids/${kid.id}`)),
    };
    return;
  }
  const kid = known.kids.find((item) => `/kids/${item.id}` === rest);
  if (!kid) {
    ctx.status = 404;
    return;
  }
  ctx.body = kidResource(kid);
}

provider.use(async (ctx, next) => {
  const person = ctx.path.match(/^\/rs\/prns\/([^/]+)((?:\/kids(?:\/[^/]+)?)?)$/);
  if (person && ctx.method === 'GET') {
    await personRoutes(ctx, decodeURIComponent(person[1]), person[2]);
    return;
  }
  const testPerson = ctx.path.match(/^\/test\/persons\/([^/]+)$/);
  if (testPerson && ctx.method === 'PUT') {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    persons.set(decodeURIComponent(testPerson[1]), {
      person: body.person,
      kids: body.kids || [],
      kidsAsReferences: !!body.kidsAsReferences,
      referenceBase: body.referenceBase || issuer,
    });
    ctx.status = 204;
    return;
  }
  if (ctx.path === '/test/checks' && ctx.method === 'GET') {
    ctx.body = checks;
    return;
  }
  const interaction = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (interaction && ctx.method === 'GET') {
    await provider.interactionDetails(ctx.req, ctx.res);
    ctx.type = 'html';
    ctx.body = '<!doctype html><title>ESIA</title><form method="post">'
      + '<input name="sub" placeholder="oid"><button>Log in</button></form>';
    return;
  }
  if (interaction && ctx.method === 'POST') {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const form = await readForm(ctx.req);
    const accountId = form.get('sub');
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    const url = await provider.interactionResult(ctx.req, ctx.res, {
      login: { accountId },
      consent: { grantId },
    }, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(url);
    return;
  }
  if (ctx.path === '/auth' && ctx.method === 'GET') {
    // ESIA checks the client's signature before it shows its login page.
    const check = await checkClient('authorization', new URLSearchParams(ctx.querystring));
    if (!check.ok) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_client', error_description: check.reason };
      return;
    }
  }
  if (ctx.path === '/token' && ctx.method === 'POST') {
    const form = await readForm(ctx.req);
    const check = await checkClient('token', form);
    if (!check.ok) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: check.reason || 'unknown client' };
      return;
    }
    form.set('client_secret', REGISTERED_SECRET);
    // oidc-provider reads an already parsed body from req.body.
    ctx.req.body = form.toString();
  }
  await next();
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
