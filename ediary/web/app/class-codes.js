// The Dnevnik plugin's access codes for the class, under the families' logins: loaded only
// when the server offers that flow, whose documents (documents.dnevnik.json) exist only then.
// A family makes its own account with a code, where a login issued by the school is made for
// it. The codes of a new batch are shown once, right after the issue; earlier batches are
// listed by how many of their codes were used, without the codes, which the app never asks
// for again.

import { run } from './api.js';
import { alertLine, field, statusLine, write } from './class-ui.js';
import { h } from './dom.js';
import { dateTime, t } from './i18n.js';

/**
 * @typedef {import('./types.js').LedClass} LedClass
 * @typedef {import('./types.js').AccessCodeBatch} AccessCodeBatch
 * @typedef {import('./types.js').AccessCodeBatchSummary} AccessCodeBatchSummary
 */

/**
 * @param {HTMLElement} box
 * @param {LedClass} schoolClass
 * @param {AccessCodeBatch | null} [issued] the batch just issued, to show its codes once
 */
export async function showCodes(box, schoolClass, issued = null) {
  /** @type {{ accessCodeBatches: AccessCodeBatchSummary[] | null }} */
  const data = await run('AppAccessCodeBatches', { class: schoolClass.id });
  const batches = data.accessCodeBatches ?? [];
  const status = statusLine();
  if (issued) status.textContent = t('codesIssued', issued.codes.length);
  const again = (/** @type {AccessCodeBatch} */ batch) => showCodes(box, schoolClass, batch);
  box.replaceChildren(
    h('h2', { id: 'codes-title' }, t('accessCodes')),
    h('p', {}, t('accessCodesIntro')),
    status,
    issued ? issuedPanel(issued) : '',
    issueForm(schoolClass, again),
    h('h3', { id: 'code-batches-heading' }, t('codeBatches')),
    batchesTable(batches),
  );
  // The codes just issued are what the teacher must read now, as with the passwords.
  const heading = box.querySelector('#codes-heading');
  if (heading instanceof HTMLElement) heading.focus();
}

/**
 * @param {LedClass} schoolClass
 * @param {(batch: AccessCodeBatch) => Promise<void>} again
 */
function issueForm(schoolClass, again) {
  const alert = alertLine();
  // The API's defaults and bounds; the API checks them again and says why it refuses.
  const parents = h('input', { type: 'number', min: '0', max: '4', step: '1', value: '2', required: true, class: 'short' });
  const days = h('input', { type: 'number', min: '1', max: '90', step: '1', value: '30', required: true, class: 'short' });
  const students = h('input', { type: 'checkbox', id: 'codes-students', checked: true });
  const form = h(
    'form',
    { class: 'card class-form', id: 'issue-codes', 'aria-labelledby': 'issue-codes-heading' },
    h('h3', { id: 'issue-codes-heading' }, t('issueCodes')),
    h(
      'div',
      { class: 'row' },
      field('codes-parents', t('codesParents'), parents),
      field('codes-days', t('codesDays'), days),
    ),
    h('label', { class: 'check' }, students, t('codesStudents')),
    h('p', { class: 'hint' }, t('codesOnce')),
    alert,
    h('button', { type: 'submit', class: 'primary' }, t('issueCodesButton')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const variables = {
      class: schoolClass.id,
      parentsPerStudent: Number(parents.value),
      forStudents: students.checked,
      validDays: Number(days.value),
    };
    /** @type {{ batch: AccessCodeBatch | null } | null} */
    const saved = await write(run('AppIssueAccessCodes', variables, { mutation: true }), alert);
    if (saved?.batch) await again(saved.batch);
  });
  return form;
}

/**
 * The codes just issued, this once, with their expiry and the sheets to print.
 * @param {AccessCodeBatch} batch
 */
function issuedPanel(batch) {
  const until = dateTime(new Date(batch.expiresAt));
  return h(
    'section',
    { class: 'card codes-issued', 'aria-labelledby': 'codes-heading' },
    h('h3', { id: 'codes-heading', tabindex: '-1' }, t('codesHeading', batch.codes.length)),
    h('p', { class: 'once' }, t('codesShownOnce', until)),
    batch.codes.length > 0 && h('p', {}, h('a', { href: batch.printUrl, class: 'print', target: '_blank', rel: 'noopener' }, t('printCodes'))),
    batch.codes.length > 0 &&
      h(
        'table',
        { class: 'accounts codes', 'aria-labelledby': 'codes-heading' },
        h('thead', {}, h('tr', {}, [t('codeStudent'), t('codeFor'), t('code'), t('codeUntil')].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          batch.codes.map((c, i) =>
            h(
              'tr',
              { class: c.student?.id !== batch.codes[i - 1]?.student?.id ? 'family-first' : null },
              h('th', { scope: 'row' }, c.student?.fullName ?? '—'),
              h('td', {}, c.role === 'STUDENT' ? t('codeForStudent') : t('codeForParent')),
              // A code the server can no longer show (its secret changed) is said so.
              h('td', { class: 'secret' }, c.code ?? t('codeGone')),
              h('td', {}, dateTime(new Date(c.expiresAt))),
            ),
          ),
        ),
      ),
  );
}

/**
 * The class's earlier batches, newest first: when, until when, how many codes were used.
 * @param {AccessCodeBatchSummary[]} batches
 */
function batchesTable(batches) {
  if (!batches.length) return h('p', { class: 'none' }, t('noCodeBatches'));
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'accounts code-batches', 'aria-labelledby': 'code-batches-heading' },
      h('thead', {}, h('tr', {}, [t('batchIssuedAt'), t('codeUntil'), t('batchCodes'), t('batchUsed')].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        batches.map((b) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, dateTime(new Date(b.createdAt))),
            h('td', {}, dateTime(new Date(b.expiresAt))),
            h('td', {}, String(b.codes.length)),
            h('td', {}, String(b.codes.filter((c) => c.used).length)),
          ),
        ),
      ),
    ),
  );
}
