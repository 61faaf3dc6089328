// "Forgot password?" (`#/recover`), with the Dnevnik plugin's recovery: a link to set a new
// password, e-mailed to the account's confirmed address; or, by the confirmed phone, a code
// by SMS typed here with the new password; and the logins sent to an address. Every request
// is answered alike whether or not an account exists, so the screen says "if" and never
// which.

import { ApiError, run } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { refusal } from './login.js';

/** @typedef {import('./types.js').UserError} UserError */

/**
 * A small form of its own: a heading, labelled inputs, a status line and a button. `send`
 * returns the refusal to show, or null; `done` then says what happens next.
 * @param {string} id
 * @param {string} title
 * @param {string} intro
 * @param {{ id: string, label: string, attributes: Record<string, string | boolean> }[]} inputs
 * @param {string} action
 * @param {(values: Record<string, string>) => Promise<UserError | null>} send
 * @param {(values: Record<string, string>, section: HTMLElement) => void} done
 */
function section(id, title, intro, inputs, action, send, done) {
  const alert = h('p', { class: 'alert', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, action);
  const fields = inputs.map((one) => ({
    id: one.id,
    input: h('input', { id: one.id, name: one.id, required: true, ...one.attributes }),
    label: one.label,
  }));
  const form = h(
    'form',
    { class: 'login-form', novalidate: true, 'aria-labelledby': `${id}-title` },
    fields.flatMap((one) => [h('label', { for: one.id }, one.label), one.input]),
    alert,
    button,
  );
  const part = h('section', { class: 'recover' }, h('h2', { id: `${id}-title` }, title), h('p', { class: 'hint' }, intro), form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alert.textContent = '';
    const empty = fields.find((one) => !one.input.value.trim());
    if (empty) {
      alert.textContent = t('fillIn');
      empty.input.focus();
      return;
    }
    /** @type {Record<string, string>} */
    const values = Object.fromEntries(fields.map((one) => [one.id, one.input.value.trim()]));
    button.disabled = true;
    try {
      const error = await send(values);
      if (error) alert.textContent = refusal(error);
      else done(values, part);
    } catch (error) {
      alert.textContent = error instanceof ApiError ? t('failed') : String(error);
    } finally {
      button.disabled = false;
    }
  });
  return part;
}

/**
 * Replaces a section's form by what happens next, said politely and focused.
 * @param {HTMLElement} part
 * @param {string} text
 */
function answered(part, text) {
  const said = h('p', { role: 'status', tabindex: '-1', class: 'answered' }, text);
  part.querySelector('form')?.replaceWith(said);
  said.focus();
}

/**
 * The first refusal of a recovery mutation's answer, or null.
 * @param {Promise<unknown>} answer
 * @param {string} field
 * @returns {Promise<UserError | null>}
 */
async function ask(answer, field) {
  const data = /** @type {Record<string, { userErrors: UserError[] }>} */ (await answer);
  return data[field]?.userErrors[0] ?? null;
}

/** @param {HTMLElement} main */
export function showRecovery(main) {
  const byEmail = section(
    'reset-email', t('resetByEmail'), t('resetByEmailIntro'),
    [{ id: 'resetLogin', label: t('login'), attributes: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' } }],
    t('sendLink'),
    (values) => ask(run('AppRequestPasswordReset', { login: values.resetLogin ?? '' }, { mutation: true }), 'requestPasswordReset'),
    (values, part) => answered(part, t('resetLinkSent', values.resetLogin ?? '')),
  );
  const byPhone = section(
    'reset-phone', t('resetByPhone'), t('resetByPhoneIntro'),
    [{ id: 'resetPhone', label: t('phone'), attributes: { type: 'tel', autocomplete: 'tel', inputmode: 'tel' } }],
    t('sendCode'),
    (values) => ask(run('AppRequestPasswordResetByPhone', { phone: values.resetPhone ?? '' }, { mutation: true }), 'requestPasswordResetByPhone'),
    (values, part) => {
      const phone = values.resetPhone ?? '';
      const next = section(
        'reset-code', t('resetByPhone'), t('resetCodeSent', phone),
        [
          { id: 'resetCode', label: t('smsCode'), attributes: { autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: '6' } },
          { id: 'resetPassword', label: t('newPassword'), attributes: { type: 'password', autocomplete: 'new-password', minlength: '8', maxlength: '128' } },
        ],
        t('setPassword'),
        (typed) => ask(run('AppResetPasswordByPhone', {
          phone, code: typed.resetCode ?? '', newPassword: typed.resetPassword ?? '',
        }, { mutation: true }), 'resetPasswordByPhone'),
        (_, done) => {
          answered(done, t('passwordSet'));
          done.append(h('a', { class: 'button', href: '#/' }, t('backToSignIn')));
        },
      );
      part.replaceWith(next);
      next.querySelector('input')?.focus();
    },
  );
  const login = section(
    'remind', t('remindLogin'), t('remindLoginIntro'),
    [{ id: 'remindAddress', label: t('emailOrPhone'), attributes: { autocomplete: 'email', autocapitalize: 'none', spellcheck: 'false' } }],
    t('sendLogins'),
    (values) => ask(run('AppRemindLogin', { address: values.remindAddress ?? '' }, { mutation: true }), 'remindLogin'),
    (values, part) => answered(part, t('loginsSent', values.remindAddress ?? '')),
  );
  main.replaceChildren(
    h(
      'div',
      { class: 'card login' },
      h('h1', { tabindex: '-1' }, t('recoverTitle')),
      byEmail,
      byPhone,
      login,
      h('a', { class: 'back', href: '#/' }, t('backToSignIn')),
    ),
  );
  main.querySelector('input')?.focus();
}
