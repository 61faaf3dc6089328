// Requests to acknowledge (a trip notice, the rules of an exam...) addressed to a child's
// parents: the ones waiting first, then those acknowledged, with when and whether signed. A
// parent acknowledges with the signing key of this browser (signing.js): the API gives a
// challenge, the exact text to sign; the app checks that it names the text on the screen and
// this browser's key before signing it, then sends the signature back.

import { ApiError, run } from './api.js';
import { childHeader } from './child.js';
import { h } from './dom.js';
import { dateTime, t } from './i18n.js';
import { canSign, forgetKey, keyState, makeKey, sha256Hex, sign } from './signing.js';

/**
 * @typedef {import('./types.js').Child} Child
 * @typedef {import('./types.js').AckRequest} AckRequest
 * @typedef {import('./types.js').Acknowledgement} Acknowledgement
 * @typedef {import('./types.js').UserError} UserError
 * @typedef {import('./signing.js').KeptKey} KeptKey
 * @typedef {Awaited<ReturnType<typeof keyState>>} KeyState
 */

// What the API's challenges say they are (ediary/domain/talk/signing.py).
const PURPOSE = 'ediary.acknowledgement.v1';

/**
 * The requests addressed to this child's parents, every page of them.
 * @param {string} student
 * @returns {Promise<AckRequest[]>}
 */
async function requestsFor(student) {
  /** @type {AckRequest[]} */
  const found = [];
  /** @type {string | null} */
  let after = null;
  for (;;) {
    /** @type {{ acknowledgementRequests: import('./types.js').Connection<AckRequest> | null }} */
    const data = await run('AppAcknowledgementRequests', { after });
    const connection = data.acknowledgementRequests;
    for (const edge of connection?.edges ?? []) {
      if (edge.node?.statuses?.some((status) => status.student.id === student)) found.push(edge.node);
    }
    if (!connection?.pageInfo.hasNextPage) return found;
    after = connection.pageInfo.endCursor;
  }
}

/** @param {Acknowledgement} given */
function givenText(given) {
  return t('ackGiven', dateTime(new Date(given.acknowledgedAt)), given.signed ? t('ackSigned') : t('ackUnsigned'));
}

/**
 * Whether a challenge's payload is what the parent means to sign: an acknowledgement of the
 * text on the screen, with this browser's key, nothing else.
 * @param {string} payload
 * @param {AckRequest} request
 * @param {string} fingerprint the registered key's
 */
async function saysWhatIsShown(payload, request, fingerprint) {
  /** @type {Record<string, unknown>} */
  let stated;
  try {
    stated = JSON.parse(payload);
  } catch {
    return false;
  }
  return (
    stated.purpose === PURPOSE &&
    stated.textSha256 === (await sha256Hex(request.text)) &&
    stated.key === fingerprint
  );
}

/**
 * @param {HTMLElement} main
 * @param {Child} child
 * @param {boolean} severalChildren
 * @param {string} user the signed-in parent's ID, whose key this browser keeps
 */
export async function showAcks(main, child, severalChildren, user) {
  const [requests, signs] = await Promise.all([requestsFor(child.id), canSign()]);
  /** @type {KeyState | null} */
  let key = signs ? await keyState(user) : null;
  const keySection = h('section', { class: 'card key', 'aria-labelledby': 'key-title' });
  const keyStatus = h('p', { role: 'status' });

  function drawKey() {
    /** @type {(Node | string)[]} */
    const body = [h('h2', { id: 'key-title' }, t('keyTitle'))];
    if (!key) {
      body.push(h('p', {}, t('keyUnsupported')));
    } else if (key.state === 'ready') {
      const { registered } = key;
      const shown = registered.fingerprint.slice(0, 16).replace(/(.{4})(?!$)/g, '$1 ');
      body.push(
        h('p', {}, t('keyReady', dateTime(new Date(registered.createdAt)), shown)),
        h('button', { type: 'button', class: 'forget-key', onclick: () => void change(() => forgetKey(/** @type {{ key: KeptKey }} */ (key).key)) }, t('keyForget')),
      );
    } else if (key.state === 'elsewhere') {
      const { registered } = key;
      body.push(
        h('p', {}, t('keyElsewhere', dateTime(new Date(registered.createdAt)))),
        h('button', { type: 'button', class: 'replace-key', onclick: () => void change(() => makeKey(user, registered.id)) }, t('keyReplace')),
      );
    } else {
      body.push(h('p', {}, t('keyNone')));
    }
    keySection.replaceChildren(...body, keyStatus);
  }

  /**
   * A change of the key (replaced, or revoked here), then its section drawn again.
   * @param {() => Promise<unknown>} act
   */
  async function change(act) {
    for (const button of keySection.querySelectorAll('button')) button.disabled = true;
    const forgetting = key?.state === 'ready';
    try {
      await act();
      key = await keyState(user);
      drawKey();
      keyStatus.textContent = forgetting ? t('keyForgotten') : '';
      keySection.querySelector('h2')?.setAttribute('tabindex', '-1');
      /** @type {HTMLElement | null} */ (keySection.querySelector('h2'))?.focus();
    } catch {
      drawKey();
      keyStatus.textContent = t('keyFailed');
    }
  }

  /**
   * Acknowledges one request for the child, signed whenever this browser can sign: with its
   * key, made and registered now if the parent has none.
   * @param {AckRequest} request
   * @returns {Promise<Acknowledgement>}
   */
  async function acknowledge(request) {
    /** @type {{ nonce: string, signature: string } | null} */
    let signed = null;
    key = signs ? await keyState(user) : null;
    if (key?.state === 'elsewhere') throw new ApiError('KEY_ELSEWHERE', '');
    if (key?.state === 'none') {
      const made = await makeKey(user, null);
      key = await keyState(user);
      if (key.state !== 'ready' || key.key.keyId !== made.keyId) throw new ApiError('NO_SIGNING_KEY', '');
      drawKey();
    }
    if (key?.state === 'ready') {
      /** @type {{ createAcknowledgementChallenge: { challenge: { nonce: string, payload: string } | null, userErrors: UserError[] } }} */
      const asked = await run(
        'AppAcknowledgementChallenge',
        { request: request.id, student: child.id },
        { mutation: true },
      );
      const challenge = asked.createAcknowledgementChallenge.challenge;
      if (!challenge) throw new ApiError(asked.createAcknowledgementChallenge.userErrors[0]?.code ?? 'REFUSED', '');
      if (!(await saysWhatIsShown(challenge.payload, request, key.registered.fingerprint))) {
        throw new ApiError('MISMATCH', '');
      }
      signed = { nonce: challenge.nonce, signature: await sign(key.key, challenge.payload) };
    }
    /** @type {{ acknowledge: { acknowledgement: Acknowledgement | null, userErrors: UserError[] } }} */
    const data = await run(
      'AppAcknowledge',
      { request: request.id, student: child.id, nonce: signed?.nonce ?? null, signature: signed?.signature ?? null },
      { mutation: true },
    );
    const given = data.acknowledge.acknowledgement;
    if (!given) throw new ApiError(data.acknowledge.userErrors[0]?.code ?? 'REFUSED', '');
    return given;
  }

  /** @param {AckRequest} request */
  function card(request) {
    const given = request.statuses?.find((status) => status.student.id === child.id)?.acknowledgement ?? null;
    const titleId = `ack-${request.id}`;
    const status = h('p', { class: 'ack-status', role: 'status' }, given ? givenText(given) : '');
    const button =
      !given &&
      h('button', {
        type: 'button',
        class: 'primary acknowledge',
        'aria-describedby': titleId,
        onclick: () => void send(),
      }, t('ackButton'));

    async function send() {
      if (!button) return;
      button.disabled = true;
      status.textContent = t('ackSigning');
      try {
        const done = await acknowledge(request);
        status.textContent = givenText(done);
        status.setAttribute('tabindex', '-1');
        button.replaceWith();
        status.focus();
      } catch (error) {
        button.disabled = false;
        const code = error instanceof ApiError ? error.code : '';
        if (code === 'KEY_ELSEWHERE') status.textContent = t('keyElsewhere', key?.state === 'elsewhere' ? dateTime(new Date(key.registered.createdAt)) : '');
        else if (code === 'MISMATCH') status.textContent = t('ackMismatch');
        // This browser cannot sign, and the parent's key is another device's.
        else if (code === 'SIGNATURE_REQUIRED') status.textContent = t('keyUnsupportedElsewhere');
        else status.textContent = t('ackFailed');
        if (code === 'KEY_ELSEWHERE') drawKey();
      }
    }

    return h(
      'li',
      { class: 'card ack' },
      h(
        'article',
        { 'aria-labelledby': titleId },
        h('h3', { id: titleId }, request.title),
        h(
          'p',
          { class: 'who' },
          t('ackFrom', request.author?.fullName ?? request.schoolClass?.name ?? '', dateTime(new Date(request.createdAt))),
        ),
        h('p', { class: 'news-text' }, request.text),
        button,
        status,
      ),
    );
  }

  const waiting = requests.filter((request) => !request.statuses?.find((s) => s.student.id === child.id)?.acknowledgement);
  const done = requests.filter((request) => !waiting.includes(request));
  drawKey();
  main.replaceChildren(
    ...childHeader(child, 'acks', severalChildren),
    requests.length === 0 ? h('p', { class: 'empty' }, t('noAcks')) : '',
    waiting.length > 0 ? h('h2', { id: 'acks-waiting' }, t('ackPending')) : '',
    waiting.length > 0 ? h('ul', { class: 'acks', 'aria-labelledby': 'acks-waiting' }, waiting.map(card)) : '',
    done.length > 0 ? h('h2', { id: 'acks-done' }, t('ackDone')) : '',
    done.length > 0 ? h('ul', { class: 'acks', 'aria-labelledby': 'acks-done' }, done.map(card)) : '',
    keySection,
  );
}
