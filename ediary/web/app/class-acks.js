// Acknowledgements asked of the class's families: a notice each parent confirms having read
// (a trip consent, a change of the rules), and who has confirmed it and who not yet.

import { run } from './api.js';
import { alertLine, field, statusLine, write } from './class-ui.js';
import { h } from './dom.js';
import { dateTime, t } from './i18n.js';

/**
 * @typedef {import('./types.js').LedClass} LedClass
 * @typedef {import('./types.js').ClassAckRequest} ClassAckRequest
 * @typedef {import('./types.js').AckStatus} AckStatus
 */

/**
 * @param {HTMLElement} box
 * @param {LedClass} schoolClass
 * @param {string} [done]
 */
export async function showAcks(box, schoolClass, done = '') {
  /** @type {{ acknowledgementRequests: { edges: { node: ClassAckRequest }[] } | null }} */
  const data = await run('AppClassAcknowledgements', { class: schoolClass.id });
  const requests = (data.acknowledgementRequests?.edges ?? []).map((e) => e.node);
  const status = statusLine();
  status.textContent = done;
  const again = (/** @type {string} */ message) => showAcks(box, schoolClass, message);
  box.replaceChildren(
    h('h2', {}, t('classAcks')),
    status,
    requestForm(schoolClass, again),
    h('h2', {}, t('acksList')),
    requests.length
      ? h('ul', { class: 'class-items' }, requests.map((r) => h('li', {}, requestCard(r))))
      : h('p', { class: 'empty' }, t('classNoAcks')),
  );
  // The form just sent is gone with the redrawn section: the keyboard goes to what it did.
  if (done) status.focus();
}

/**
 * @param {LedClass} schoolClass
 * @param {(message: string) => Promise<void>} again
 */
function requestForm(schoolClass, again) {
  const alert = alertLine();
  const title = h('input', { required: true, maxlength: '200' });
  const text = h('textarea', { rows: '5', required: true, maxlength: '4000' });
  const form = h(
    'form',
    { class: 'card class-form', id: 'request-ack' },
    h('h3', {}, t('requestAck')),
    field('ack-title', t('ackTitle'), title),
    field('ack-text', t('ackText'), text),
    h('p', { class: 'hint' }, t('ackHint')),
    alert,
    h('button', { type: 'submit', class: 'primary' }, t('requestAckButton')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const saved = await write(run('AppRequestAcknowledgement', { class: schoolClass.id, title: title.value.trim(), text: text.value.trim() }, { mutation: true }), alert);
    if (saved) await again(t('ackRequested', title.value.trim()));
  });
  return form;
}

/**
 * One request: its text, how many parents confirmed it, and each parent by name.
 * @param {ClassAckRequest} request
 */
function requestCard(request) {
  const statuses = request.statuses ?? [];
  const done = statuses.filter((s) => s.acknowledgement !== null);
  const waiting = statuses.filter((s) => s.acknowledgement === null);
  const row = (/** @type {AckStatus} */ s) =>
    h(
      'li',
      {},
      t('parentOf', s.parentName, s.student.fullName),
      s.acknowledgement &&
        h('span', { class: 'who' }, ` · ${dateTime(new Date(s.acknowledgement.acknowledgedAt))}${s.acknowledgement.signed ? ` · ${t('classAckSigned')}` : ''}`),
    );
  return h(
    'article',
    { class: 'card ack', 'aria-labelledby': `a-${request.id}` },
    h('h3', { id: `a-${request.id}` }, request.title),
    h('p', { class: 'who' }, dateTime(new Date(request.createdAt))),
    h('p', { class: 'text' }, request.text),
    h('p', { class: 'answers' }, t('ackCounts', done.length, statuses.length)),
    h(
      'details',
      { open: waiting.length > 0 && waiting.length <= 5 },
      h('summary', {}, t('ackWho')),
      h('h4', {}, t('ackNotYet', waiting.length)),
      waiting.length ? h('ul', { class: 'names' }, waiting.map(row)) : h('p', { class: 'empty' }, '—'),
      h('h4', {}, t('classAckDone', done.length)),
      done.length ? h('ul', { class: 'names' }, done.map(row)) : h('p', { class: 'empty' }, '—'),
    ),
  );
}
