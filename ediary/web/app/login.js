// The sign-in screen: the ways in this server offers (`loginFlows`). The login and password
// form; a region's portal, a link to the plugin's own login route, which sends the browser to
// the provider and back here signed in; and, when the Dnevnik plugin offers access codes, the
// code from the school (`#/code`) and recovery of a forgotten password or login
// (`#/recover`). Those two are drawn by modules loaded only when chosen, so the first load of
// a family that signs in with a password stays small.

import { ApiError, keepCsrfToken, run } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/**
 * @typedef {import('./types.js').UserError} UserError
 * @typedef {import('./types.js').LoginFlow} LoginFlow
 */

export const PASSWORD_FLOW = 'password';
export const ACCESS_CODE_FLOW = 'dnevnik-access-code';

/** @type {Promise<LoginFlow[] | null> | null} asked once a page */
let flows = null;

/**
 * The flows this server offers; null when they could not be asked, and the app then offers
 * the password alone, which every server has built in.
 * @returns {Promise<LoginFlow[] | null>}
 */
function offeredFlows() {
  flows ??= run('AppLoginFlows').then(
    (data) => /** @type {{ loginFlows: LoginFlow[] | null }} */ (data).loginFlows,
    () => {
      flows = null; // asked again next time
      return null;
    },
  );
  return flows;
}

/**
 * Whether this server offers the flow `id`. The class teacher's logins ask it of the Dnevnik
 * flow: with it the server also issues the access codes that flow takes.
 * @param {string} id
 * @returns {Promise<boolean>}
 */
export async function offersFlow(id) {
  const offered = await offeredFlows();
  return (offered ?? []).some((flow) => flow.id === id);
}

/**
 * Opens a session with a login and password; the error to show, or null once signed in.
 * Also what the access-code screen calls once the new account is confirmed.
 * @param {string} login
 * @param {string} password
 * @returns {Promise<UserError | null>}
 */
export async function passwordLogin(login, password) {
  /** @type {{ login: { csrfToken: string | null, userErrors: UserError[] } }} */
  const data = await run('AppLogin', { login, password }, { mutation: true });
  const [error] = data.login.userErrors;
  if (error) return error;
  keepCsrfToken(data.login.csrfToken);
  return null;
}

/**
 * What to tell a person about a refusal of the account flows (login, code, recovery), in the
 * app's language; the server's own message (English) for a code the app does not know.
 * @param {UserError} error
 * @returns {string}
 */
export function refusal(error) {
  if (error.code === 'TOO_MANY_ATTEMPTS') return t('tooManyAttempts', error.retryAfter ?? 60);
  if (error.code === 'INVALID_CREDENTIALS') return t('badCredentials');
  const known = /** @type {Record<string, import('./i18n.js').Key>} */ ({
    CODE_INVALID: 'codeInvalid',
    CODE_USED: 'codeUsed',
    CODE_EXPIRED: 'codeExpired',
    CODE_WRONG_ROLE: 'codeWrongRole',
    LOGIN_INVALID: 'emailInvalid',
    FULL_NAME_INVALID: 'fullNameInvalid',
    PHONE_INVALID: 'phoneInvalid',
    PHONE_UNAVAILABLE: 'phoneUnavailable',
    PASSWORD_TOO_SHORT: 'passwordTooShort',
    PASSWORD_TOO_LONG: 'passwordTooLong',
    PASSWORD_TOO_COMMON: 'passwordTooCommon',
    CHANNEL_UNAVAILABLE: 'smsUnavailable',
    TOKEN_INVALID: 'smsCodeWrong',
    TOKEN_EXPIRED: 'smsCodeExpired',
    TOKEN_USED: 'smsCodeExpired',
    TOKEN_EXHAUSTED: 'smsCodeExhausted',
    FLOW_NOT_OFFERED: 'flowNotOffered',
  })[error.code];
  return known ? t(known) : error.message;
}

/**
 * The label of a redirect flow's button: the app's words for the flows it knows, else the
 * title the plugin gave it.
 * @param {LoginFlow} flow
 */
function portalLabel(flow) {
  return flow.id === 'moscow-portal' ? t('portalMoscow') : flow.title;
}

/**
 * Where a redirect flow starts, asked to come back to this page (and screen) signed in: the
 * plugin's route takes `next`, a path on this site only.
 * @param {LoginFlow} flow
 * @param {string} url
 */
function portalAddress(flow, url) {
  const start = new URL(url, location.href);
  start.searchParams.set('next', `${location.pathname}${location.hash.startsWith('#/') ? location.hash : ''}`);
  return start.href;
}

/**
 * @param {HTMLElement} main
 * @param {() => void} signedIn called once the session is open
 * @param {string} [screen] `code` or `recover` for those screens, else the sign-in
 */
export async function showLogin(main, signedIn, screen = '') {
  const offered = await offeredFlows();
  const ids = new Set(offered ? offered.map((flow) => flow.id) : [PASSWORD_FLOW]);
  if (screen === 'code' && ids.has(ACCESS_CODE_FLOW)) {
    const { showAccessCode } = await import('./accesscode.js');
    showAccessCode(main, signedIn);
    return;
  }
  if (screen === 'recover' && ids.has(ACCESS_CODE_FLOW)) {
    const { showRecovery } = await import('./recovery.js');
    showRecovery(main);
    return;
  }
  /** @type {HTMLElement[]} */
  const parts = [h('h1', { tabindex: '-1' }, t('signIn'))];
  const form = ids.has(PASSWORD_FLOW) ? passwordForm(signedIn) : null;
  if (form) parts.push(form);
  const portals = (offered ?? []).filter((flow) => flow.url);
  const others = [
    ...portals.map((flow) =>
      h('a', { class: 'button portal', href: portalAddress(flow, /** @type {string} */ (flow.url)) }, portalLabel(flow)),
    ),
    ids.has(ACCESS_CODE_FLOW) && h('a', { class: 'button', href: '#/code' }, t('haveAccessCode')),
    // Recovery comes with the Dnevnik plugin, whose flow it is part of.
    form && ids.has(ACCESS_CODE_FLOW) && h('a', { class: 'forgot', href: '#/recover' }, t('forgotPassword')),
  ].filter((part) => part);
  if (others.length) {
    parts.push(
      h('nav', { class: 'ways', 'aria-label': t('otherWaysIn') }, form && h('p', { class: 'or' }, t('orSignIn')), others),
    );
  }
  main.replaceChildren(h('div', { class: 'card login' }, parts));
  const first = main.querySelector('#login');
  if (first instanceof HTMLElement) first.focus();
  else main.querySelector('h1')?.focus();
}

/**
 * The login and password form.
 * @param {() => void} signedIn
 */
function passwordForm(signedIn) {
  const alert = h('p', { class: 'alert', role: 'alert' });
  const login = h('input', {
    id: 'login', name: 'login', autocomplete: 'username', required: true,
    autocapitalize: 'none', spellcheck: 'false',
  });
  const password = h('input', {
    id: 'password', name: 'password', type: 'password', autocomplete: 'current-password',
    required: true,
  });
  const button = h('button', { type: 'submit', class: 'primary' }, t('signInButton'));
  const form = h(
    'form',
    { class: 'login-form', novalidate: true, 'aria-label': t('signIn') },
    h('label', { for: 'login' }, t('login')),
    login,
    h('label', { for: 'password' }, t('password')),
    password,
    alert,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alert.textContent = '';
    if (!login.value || !password.value) {
      alert.textContent = t('badCredentials');
      return;
    }
    button.disabled = true;
    try {
      const error = await passwordLogin(login.value.trim(), password.value);
      if (error) {
        alert.textContent = refusal(error);
        return;
      }
      signedIn();
    } catch (error) {
      alert.textContent = error instanceof ApiError ? t('failed') : String(error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
