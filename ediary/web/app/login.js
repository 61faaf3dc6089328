// The sign-in screen: login and password, a cookie session for this browser.

import { ApiError, keepCsrfToken, run } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/** @typedef {import('./types.js').UserError} UserError */

/**
 * @param {HTMLElement} main
 * @param {() => void} signedIn called once the session is open
 */
export function showLogin(main, signedIn) {
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
    { class: 'card login', novalidate: true },
    h('h1', { tabindex: '-1' }, t('signIn')),
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
      /** @type {{ login: { csrfToken: string | null, userErrors: UserError[] } }} */
      const data = await run(
        'AppLogin',
        { login: login.value.trim(), password: password.value },
        { mutation: true },
      );
      const [error] = data.login.userErrors;
      if (error) {
        alert.textContent =
          error.code === 'TOO_MANY_ATTEMPTS'
            ? t('tooManyAttempts', error.retryAfter ?? 60)
            : error.code === 'INVALID_CREDENTIALS'
              ? t('badCredentials')
              : error.message;
        return;
      }
      keepCsrfToken(data.login.csrfToken);
      signedIn();
    } catch (error) {
      alert.textContent = error instanceof ApiError ? t('failed') : String(error);
    } finally {
      button.disabled = false;
    }
  });
  main.replaceChildren(form);
  login.focus();
}
