// "I have an access code from school" (the Dnevnik plugin's flow, `#/code`): the code from the
// slip, the parent's full name, e-mail as the login, a password, and optionally a mobile
// phone. The server answers CONFIRMATION_SENT: with a phone, the six digits it sent by SMS are
// typed here; without, the parent follows the link e-mailed to the login (in another tab or
// the mail app) and comes back. Either way the app then signs in with the login and password
// just chosen, so the flow ends on the child's week. The password stays in this screen's
// memory only until then: it is never stored.

import { ApiError, run } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { passwordLogin, refusal } from './login.js';

/** @typedef {import('./types.js').UserError} UserError */

/** Which input a refusal is about, by its code. */
const FIELD_OF = /** @type {Record<string, string>} */ ({
  CODE_INVALID: 'code',
  CODE_USED: 'code',
  CODE_EXPIRED: 'code',
  CODE_WRONG_ROLE: 'code',
  FULL_NAME_INVALID: 'fullName',
  LOGIN_INVALID: 'email',
  PASSWORD_TOO_SHORT: 'newPassword',
  PASSWORD_TOO_LONG: 'newPassword',
  PASSWORD_TOO_COMMON: 'newPassword',
  PHONE_INVALID: 'phone',
  CHANNEL_UNAVAILABLE: 'phone',
  PHONE_UNAVAILABLE: 'phone',
  TOKEN_INVALID: 'smsCode',
  TOKEN_EXPIRED: 'smsCode',
  TOKEN_USED: 'smsCode',
  TOKEN_EXHAUSTED: 'smsCode',
});

/**
 * A labelled input with an optional hint, tied to it for screen readers.
 * @param {string} id
 * @param {string} label
 * @param {Record<string, string | boolean>} attributes
 * @param {string} [hint]
 */
function field(id, label, attributes, hint) {
  const input = h('input', { id, name: id, ...attributes, 'aria-describedby': hint ? `${id}-hint` : null });
  return {
    input,
    parts: [h('label', { for: id }, label), hint ? h('p', { id: `${id}-hint`, class: 'hint' }, hint) : null, input],
  };
}

/**
 * Shows a refusal: the words in the alert, the input it is about marked and focused.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} alert
 * @param {UserError} error
 */
function refuse(form, alert, error) {
  alert.textContent = refusal(error);
  const input = form.querySelector(`#${FIELD_OF[error.code] ?? '_'}`);
  if (input instanceof HTMLInputElement) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

/**
 * @param {HTMLFormElement} form
 * @param {HTMLElement} alert
 */
function clear(form, alert) {
  alert.textContent = '';
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

/**
 * Runs `work` with the form's button disabled; a failure to reach the server is said in the
 * alert.
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} alert
 * @param {() => Promise<void>} work
 */
async function busy(button, alert, work) {
  button.disabled = true;
  try {
    await work();
  } catch (error) {
    alert.textContent = error instanceof ApiError ? t('failed') : String(error);
  } finally {
    button.disabled = false;
  }
}

/**
 * @param {HTMLElement} main
 * @param {() => void} signedIn
 */
export function showAccessCode(main, signedIn) {
  const code = field('code', t('accessCode'), {
    autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', required: true,
  }, t('accessCodeHint'));
  const fullName = field('fullName', t('fullName'), { autocomplete: 'name', required: true }, t('fullNameHint'));
  const email = field('email', t('emailLogin'), {
    type: 'email', autocomplete: 'email', autocapitalize: 'none', spellcheck: 'false', required: true,
  });
  const password = field('newPassword', t('newPassword'), {
    type: 'password', autocomplete: 'new-password', minlength: '8', maxlength: '128', required: true,
  }, t('newPasswordHint'));
  const phone = field('phone', t('phoneOptional'), { type: 'tel', autocomplete: 'tel', inputmode: 'tel' }, t('phoneHint'));
  const alert = h('p', { class: 'alert', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('createAccount'));
  const form = h(
    'form',
    { class: 'login-form', novalidate: true, 'aria-labelledby': 'code-title' },
    code.parts, fullName.parts, email.parts, password.parts, phone.parts, alert, button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clear(form, alert);
    const missing = [code, fullName, email, password].find((one) => !one.input.value.trim());
    if (missing) {
      alert.textContent = t('fillIn');
      missing.input.setAttribute('aria-invalid', 'true');
      missing.input.focus();
      return;
    }
    const chosen = {
      code: code.input.value.trim(),
      fullName: fullName.input.value.trim().replace(/\s+/g, ' '),
      login: email.input.value.trim(),
      password: password.input.value,
      phone: phone.input.value.trim(),
    };
    void busy(button, alert, async () => {
      /** @type {{ redeemAccessCode: { status: string | null, userErrors: UserError[] } }} */
      const data = await run('AppRedeemAccessCode', chosen, { mutation: true });
      const [error] = data.redeemAccessCode.userErrors;
      if (error) {
        refuse(form, alert, error);
        return;
      }
      if (chosen.phone) showSmsStep(main, chosen.phone, chosen.login, chosen.password, signedIn);
      else showEmailStep(main, chosen.login, chosen.password, signedIn);
    });
  });
  main.replaceChildren(
    h(
      'div',
      { class: 'card login' },
      h('h1', { id: 'code-title', tabindex: '-1' }, t('accessCodeTitle')),
      h('p', {}, t('accessCodeIntro')),
      form,
      h('a', { class: 'back', href: '#/' }, t('backToSignIn')),
    ),
  );
  code.input.focus();
}

/**
 * Signs in with the new account's login and password: the error to show, or null (and the
 * session open, `signedIn` called).
 * @param {string} login
 * @param {string} password
 * @param {() => void} signedIn
 * @returns {Promise<string | null>}
 */
async function finish(login, password, signedIn) {
  const error = await passwordLogin(login, password);
  if (!error) {
    signedIn();
    return null;
  }
  // An account not confirmed yet cannot sign in, and says so as a wrong password would.
  return error.code === 'INVALID_CREDENTIALS' ? t('notConfirmedYet') : refusal(error);
}

/**
 * The account waits for the link e-mailed to the login; back here, the parent signs in.
 * @param {HTMLElement} main
 * @param {string} login
 * @param {string} password
 * @param {() => void} signedIn
 */
function showEmailStep(main, login, password, signedIn) {
  const alert = h('p', { class: 'alert', role: 'alert' });
  const button = h('button', { type: 'button', class: 'primary' }, t('confirmedSignIn'));
  button.addEventListener('click', () => {
    alert.textContent = '';
    void busy(button, alert, async () => {
      alert.textContent = (await finish(login, password, signedIn)) ?? '';
    });
  });
  main.replaceChildren(
    h(
      'div',
      { class: 'card login' },
      h('h1', { tabindex: '-1' }, t('checkEmailTitle')),
      h('p', {}, t('checkEmail', login)),
      h('p', { class: 'hint' }, t('checkEmailSpam')),
      alert,
      button,
      h('a', { class: 'back', href: '#/' }, t('backToSignIn')),
    ),
  );
  main.querySelector('h1')?.focus();
}

/**
 * The six digits sent by SMS activate the account; the app then signs in.
 * @param {HTMLElement} main
 * @param {string} phone
 * @param {string} login
 * @param {string} password
 * @param {() => void} signedIn
 */
function showSmsStep(main, phone, login, password, signedIn) {
  const sms = field('smsCode', t('smsCode'), {
    autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]*', maxlength: '6', required: true,
  });
  const alert = h('p', { class: 'alert', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('confirmAndSignIn'));
  const form = h('form', { class: 'login-form', novalidate: true, 'aria-labelledby': 'sms-title' }, sms.parts, alert, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clear(form, alert);
    void busy(button, alert, async () => {
      /** @type {{ confirmAccountByPhone: { login: string | null, userErrors: UserError[] } }} */
      const data = await run(
        'AppConfirmAccountByPhone',
        { phone, code: sms.input.value.trim() },
        { mutation: true },
      );
      const [error] = data.confirmAccountByPhone.userErrors;
      if (error) {
        refuse(form, alert, error);
        return;
      }
      alert.textContent = (await finish(data.confirmAccountByPhone.login ?? login, password, signedIn)) ?? '';
    });
  });
  main.replaceChildren(
    h(
      'div',
      { class: 'card login' },
      h('h1', { id: 'sms-title', tabindex: '-1' }, t('smsTitle')),
      h('p', {}, t('smsSent', phone)),
      form,
      h('a', { class: 'back', href: '#/' }, t('backToSignIn')),
    ),
  );
  sms.input.focus();
}
