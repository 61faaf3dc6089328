// The families' logins: who in the class can sign in, issuing logins and temporary
// passwords to those who cannot (printed as one sheet per family), and a new temporary
// password for someone who lost theirs. A temporary password is shown once: in the answer
// to the issue and on the sheets while they can be printed, never again. Where the server
// offers the Dnevnik plugin's access codes, they follow (class-codes.js).

import { run } from './api.js';
import { alertLine, statusLine, write } from './class-ui.js';
import { h } from './dom.js';
import { dateTime, t } from './i18n.js';
import { ACCESS_CODE_FLOW, offersFlow } from './login.js';

/**
 * @typedef {import('./types.js').LedClass} LedClass
 * @typedef {import('./types.js').ClassAccount} ClassAccount
 * @typedef {import('./types.js').LoginBatch} LoginBatch
 */

/**
 * @param {HTMLElement} box
 * @param {LedClass} schoolClass
 * @param {LoginBatch | null} [issued] the batch just issued, to show its passwords once
 */
export async function showLogins(box, schoolClass, issued = null) {
  /** @type {{ classAccounts: ClassAccount[] | null }} */
  const data = await run('AppClassAccounts', { class: schoolClass.id });
  const accounts = data.classAccounts ?? [];
  const status = statusLine();
  if (issued) status.textContent = t('loginsIssued', issued.logins.length);
  const again = (/** @type {LoginBatch} */ batch) => showLogins(box, schoolClass, batch);
  const none = accounts.filter((a) => a.state === 'NONE').length;
  // The sign-in's own signal: the flow is offered exactly when the plugin is loaded, and with
  // it the documents the codes need; a server without it keeps this section as it was.
  const codes = (await offersFlow(ACCESS_CODE_FLOW)) ? h('div', { class: 'codes-section' }) : null;
  box.replaceChildren(
    h('h2', {}, t('classLogins')),
    status,
    issued ? batchPanel(issued) : '',
    issueForm(schoolClass, none, again),
    // Before the long list of accounts, beside the other way of letting families in.
    codes ?? '',
    h('h2', { id: 'accounts-heading' }, t('accountsList')),
    accountsTable(accounts, again),
  );
  if (codes) await (await import('./class-codes.js')).showCodes(codes, schoolClass);
  // The passwords just issued are what the teacher must read now.
  const heading = box.querySelector('#batch-heading');
  if (heading instanceof HTMLElement) heading.focus();
}

/**
 * @param {LedClass} schoolClass
 * @param {number} none how many cannot sign in yet
 * @param {(batch: LoginBatch) => Promise<void>} again
 */
function issueForm(schoolClass, none, again) {
  const alert = alertLine();
  const students = h('input', { type: 'checkbox', id: 'issue-students', checked: true });
  const parents = h('input', { type: 'checkbox', id: 'issue-parents', checked: true });
  const reissue = h('input', { type: 'checkbox', id: 'issue-reissue' });
  const form = h(
    'form',
    { class: 'card class-form', id: 'issue-logins' },
    h('h3', {}, t('issueLogins')),
    h('p', {}, t('loginsWithout', none)),
    h(
      'fieldset',
      {},
      h('legend', {}, t('issueFor')),
      h('label', { class: 'check' }, students, t('issueStudents')),
      h('label', { class: 'check' }, parents, t('issueParents')),
      h('label', { class: 'check' }, reissue, t('issueReissue')),
    ),
    h('p', { class: 'hint' }, t('issueOnce')),
    alert,
    h('button', { type: 'submit', class: 'primary' }, t('issueLoginsButton')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const roles = [students.checked && 'STUDENT', parents.checked && 'PARENT'].filter(Boolean);
    if (reissue.checked && !confirm(t('issueReissueConfirm'))) return;
    /** @type {{ batch: LoginBatch | null } | null} */
    const saved = await write(run('AppIssueClassLogins', { class: schoolClass.id, roles, reissueExisting: reissue.checked }, { mutation: true }), alert);
    if (saved?.batch) await again(saved.batch);
  });
  return form;
}

/**
 * Who in the class can sign in, and a new password for one of them.
 * @param {ClassAccount[]} accounts
 * @param {(batch: LoginBatch) => Promise<void>} again
 */
function accountsTable(accounts, again) {
  const alert = alertLine();
  const state = (/** @type {string} */ s) => (s === 'ACTIVE' ? t('loginActive') : s === 'ISSUED' ? t('loginIssued') : t('loginNone'));
  const rows = accounts.map((account) => {
    const button = h('button', { type: 'button', class: 'small', 'aria-label': t('reissueFor', account.fullName) }, t('reissue'));
    button.addEventListener('click', async () => {
      if (!confirm(t('reissueConfirm', account.fullName))) return;
      /** @type {{ batch: LoginBatch | null } | null} */
      const saved = await write(run('AppReissueLogin', { user: account.parent?.id ?? account.student.id }, { mutation: true }), alert);
      if (saved?.batch) await again(saved.batch);
    });
    return h(
      'tr',
      { class: account.role === 'STUDENT' ? 'family-first' : null },
      h('th', { scope: 'row' }, account.fullName),
      h('td', {}, account.role === 'STUDENT' ? t('roleStudent') : t('roleParentOf', account.student.fullName)),
      h('td', {}, account.login ?? '—'),
      h('td', { class: `state ${account.state.toLowerCase()}` }, state(account.state)),
      h('td', {}, account.state === 'NONE' ? '' : button),
    );
  });
  return h(
    'div',
    {},
    alert,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'accounts', 'aria-labelledby': 'accounts-heading' },
        h('thead', {}, h('tr', {}, [t('accountName'), t('accountWho'), t('login'), t('accountState'), t('accountAction')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows),
      ),
    ),
  );
}

/**
 * The logins and temporary passwords just issued, shown this once, with the sheets to print.
 * @param {LoginBatch} batch
 */
function batchPanel(batch) {
  return h(
    'section',
    { class: 'card batch', 'aria-labelledby': 'batch-heading' },
    h('h3', { id: 'batch-heading', tabindex: '-1' }, t('batchHeading', batch.logins.length)),
    h('p', { class: 'once' }, t('batchOnce', dateTime(new Date(batch.sheetsUntil)))),
    batch.logins.length > 0 && h('p', {}, h('a', { href: batch.printUrl, class: 'print', target: '_blank', rel: 'noopener' }, t('printSheets'))),
    batch.logins.length > 0 &&
      h(
        'table',
        { class: 'accounts issued' },
        h('thead', {}, h('tr', {}, [t('accountName'), t('accountWho'), t('login'), t('temporaryPassword')].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          batch.logins.map((l) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, l.fullName),
              h('td', {}, l.role === 'STUDENT' ? t('roleStudent') : t('roleParentOf', l.student?.fullName ?? '—')),
              h('td', { class: 'secret' }, l.login),
              h('td', { class: 'secret' }, l.temporaryPassword ?? '—'),
            ),
          ),
        ),
      ),
  );
}
