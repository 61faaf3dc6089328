// A child's settings: how the parent hears about this child (instant messages, a daily
// digest, or none; quiet hours), and the child's private calendar feeds. Loaded only when
// opened, so the week's first load does not carry it.

import { run } from './api.js';
import { childHeader } from './child.js';
import { h } from './dom.js';
import { dateTime, t } from './i18n.js';

/**
 * @typedef {import('./types.js').Child} Child
 * @typedef {import('./types.js').NotificationPreference} NotificationPreference
 * @typedef {import('./types.js').CalendarFeed} CalendarFeed
 * @typedef {import('./types.js').FieldError} FieldError
 */

/** Quiet hours offered when a parent first turns them on: the night, as most families mean it. */
const NIGHT = { from: '21:00', to: '07:00' };
const MODES = /** @type {const} */ (['INSTANT', 'DIGEST', 'OFF']);

/** `07:00:00` (the API's `Time`) as a time input shows it. @param {string | null} time */
const hhmm = (time) => (time ? time.slice(0, 5) : '');

/**
 * A line that says how the last change went: politely when saved (screen readers finish what
 * they are reading), at once when refused.
 */
function statusLine(/** @type {string} */ id) {
  const line = h('p', { class: 'settings-status', id, role: 'status', 'aria-live': 'polite' });
  return {
    line,
    /** @param {string} text */
    done(text) {
      line.classList.remove('refused');
      line.setAttribute('role', 'status');
      line.textContent = text;
    },
    /** @param {string} text */
    refused(text) {
      line.classList.add('refused');
      line.setAttribute('role', 'alert');
      line.textContent = text;
    },
  };
}

/**
 * How the parent hears about this child. Each change is saved at once with every value the
 * form holds (the mutation sets them all), one save after another so they land in order.
 * @param {Child} child
 * @param {NotificationPreference} preference
 * @returns {HTMLElement}
 */
function notificationsSection(child, preference) {
  let saved = preference;
  const status = statusLine('notifications-status');
  const radios = MODES.map((mode) =>
    h('input', { type: 'radio', name: 'notify-mode', id: `mode-${mode}`, value: mode }),
  );
  const hours = h(
    'select',
    { id: 'digest-hour' },
    Array.from({ length: 24 }, (_, hour) => h('option', { value: String(hour) }, `${String(hour).padStart(2, '0')}:00`)),
  );
  const quiet = h('input', { type: 'checkbox', id: 'quiet' });
  const quietFrom = h('input', { type: 'time', id: 'quiet-from', required: true });
  const quietTo = h('input', { type: 'time', id: 'quiet-to', required: true });
  const digestRow = h('p', { class: 'field' }, h('label', { for: 'digest-hour' }, t('digestHour')), hours);
  const quietTimes = h(
    'p',
    { class: 'field quiet-times' },
    h('label', { for: 'quiet-from' }, t('quietFrom')),
    quietFrom,
    h('label', { for: 'quiet-to' }, t('quietTo')),
    quietTo,
  );
  const quietBlock = h(
    'div',
    { class: 'quiet-block' },
    h('p', { class: 'field check' }, quiet, h('label', { for: 'quiet' }, t('quietHours'))),
    h('p', { class: 'hint', id: 'quiet-hint' }, t('quietHint')),
    quietTimes,
  );
  quiet.setAttribute('aria-describedby', 'quiet-hint');

  /** The controls as the saved preference has them; what applies to the mode only. */
  const show = (/** @type {NotificationPreference} */ pref) => {
    for (const radio of radios) radio.checked = radio.value === pref.mode;
    hours.value = String(pref.digestHour);
    quiet.checked = pref.quietFrom !== null;
    quietFrom.value = hhmm(pref.quietFrom) || NIGHT.from;
    quietTo.value = hhmm(pref.quietTo) || NIGHT.to;
    layout();
  };
  const layout = () => {
    const mode = radios.find((radio) => radio.checked)?.value;
    digestRow.hidden = mode !== 'DIGEST';
    // Quiet hours hold back instant messages; a digest already comes at its hour.
    quietBlock.hidden = mode !== 'INSTANT';
    quietTimes.hidden = !quiet.checked;
  };

  let queue = Promise.resolve();
  const save = () => {
    layout();
    const variables = {
      student: child.id,
      mode: radios.find((radio) => radio.checked)?.value ?? saved.mode,
      digestHour: Number(hours.value),
      // An emptied time input sends nothing for its end: the API says why that is refused.
      quietFrom: quiet.checked ? quietFrom.value || null : null,
      quietTo: quiet.checked ? quietTo.value || null : null,
    };
    queue = queue.then(async () => {
      try {
        /** @type {{ setNotificationPreference: { preference: NotificationPreference | null, userErrors: FieldError[] } | null }} */
        const data = await run('AppSetNotificationPreference', variables, { mutation: true });
        const answer = data.setNotificationPreference;
        const [error] = answer?.userErrors ?? [];
        if (error || !answer?.preference) {
          status.refused(t('notSaved', error?.message ?? t('failed')));
          return;
        }
        saved = answer.preference;
        status.done(savedSaying(saved));
      } catch (error) {
        status.refused(t('notSaved', error instanceof Error && error.message ? error.message : t('failed')));
      }
    });
  };
  for (const control of [...radios, hours, quiet, quietFrom, quietTo]) control.addEventListener('change', save);
  show(saved);

  return h(
    'section',
    { class: 'card settings-block', 'aria-labelledby': 'notifications-title' },
    h('h2', { id: 'notifications-title' }, t('notifications')),
    h('p', { class: 'hint' }, t('notificationsAbout', child.fullName)),
    h(
      'fieldset',
      { class: 'modes' },
      h('legend', {}, t('notifyHow')),
      MODES.map((mode, index) =>
        h('p', { class: 'field check' }, radios[index], h('label', { for: `mode-${mode}` }, modeName(mode))),
      ),
    ),
    digestRow,
    quietBlock,
    status.line,
  );
}

/**
 * What was saved, in a sentence: the confirmation a parent reads (or hears) after a change.
 * @param {NotificationPreference} pref
 */
function savedSaying(pref) {
  if (pref.mode === 'DIGEST') return t('savedDigest', `${String(pref.digestHour).padStart(2, '0')}:00`);
  if (pref.mode === 'OFF') return t('savedOff');
  return pref.quietFrom && pref.quietTo ? t('savedInstantQuiet', hhmm(pref.quietFrom), hhmm(pref.quietTo)) : t('savedInstant');
}

/** @param {string} mode */
function modeName(mode) {
  return mode === 'DIGEST' ? t('modeDigest') : mode === 'OFF' ? t('modeOff') : t('modeInstant');
}

/**
 * The same address for a phone's calendar: `webcal://` opens the calendar app to subscribe.
 * @param {string} url
 */
const webcal = (url) => url.replace(/^https?:\/\//, 'webcal://');

/**
 * Copies `text`; where the Clipboard API is not offered (a page not served over HTTPS), the
 * selected field and the older copy command do it.
 * @param {string} text
 * @param {HTMLInputElement} field
 * @returns {Promise<boolean>}
 */
async function copy(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field.select();
    return document.execCommand('copy');
  }
}

/**
 * The child's calendar feeds: a new one's address (shown once, as the API hands it out only
 * when it is created), and every active feed with a way to revoke it.
 * @param {Child} child
 * @param {CalendarFeed[]} initial
 * @returns {HTMLElement}
 */
function calendarSection(child, initial) {
  let feeds = initial;
  /** The addresses of feeds created on this screen, by feed ID: the API shows them only once. */
  /** @type {Map<string, string>} */
  const addresses = new Map();
  const status = statusLine('calendar-status');
  const list = h('ul', { class: 'feeds' });
  const create = h('button', { type: 'button', class: 'primary', id: 'create-feed' }, t('createFeed'));

  /** @param {CalendarFeed} feed */
  const feedItem = (feed) => {
    const created = dateTime(new Date(feed.createdAt));
    const url = addresses.get(feed.id);
    const revoke = h(
      'button',
      { type: 'button', class: 'revoke', 'aria-label': t('revokeFeedOf', created) },
      t('revokeFeed'),
    );
    revoke.addEventListener('click', () => void revokeFeed(feed, revoke));
    const field = url ? h('input', { type: 'text', readonly: true, value: url, id: `feed-${feed.id}`, class: 'feed-url' }) : null;
    const copyButton = url && field ? h('button', { type: 'button', class: 'copy' }, t('copyFeed')) : null;
    copyButton?.addEventListener('click', async () => {
      if (url && field && (await copy(url, field))) status.done(t('feedCopied'));
      else field?.select();
    });
    return h(
      'li',
      { class: 'feed', 'data-feed': feed.id },
      h('p', { class: 'feed-head' }, feed.createdByViewer ? t('feedYours', created) : t('feedOthers', created)),
      url && field
        ? h(
            'div',
            { class: 'feed-new' },
            h('label', { for: field.id }, t('feedAddress')),
            field,
            h(
              'p',
              { class: 'feed-actions' },
              copyButton,
              h('a', { href: webcal(url), class: 'webcal' }, t('feedOnPhone')),
            ),
            h('p', { class: 'hint' }, t('feedShownOnce')),
          )
        : null,
      revoke,
    );
  };
  const draw = () => {
    list.replaceChildren(...feeds.map(feedItem));
    if (feeds.length === 0) list.append(h('li', { class: 'empty' }, t('noFeeds')));
  };

  /**
   * @param {CalendarFeed} feed
   * @param {HTMLButtonElement} button
   */
  const revokeFeed = async (feed, button) => {
    button.disabled = true;
    try {
      /** @type {{ revokeCalendarFeed: { feed: { id: string, revokedAt: string | null } | null, userErrors: FieldError[] } | null }} */
      const data = await run('AppRevokeCalendarFeed', { feed: feed.id }, { mutation: true });
      const [error] = data.revokeCalendarFeed?.userErrors ?? [];
      if (error || !data.revokeCalendarFeed?.feed?.revokedAt) {
        status.refused(t('feedNotRevoked', error?.message ?? t('failed')));
        button.disabled = false;
        return;
      }
      feeds = feeds.filter((other) => other.id !== feed.id);
      addresses.delete(feed.id);
      draw();
      status.done(t('feedRevoked'));
      create.focus();
    } catch (error) {
      status.refused(t('feedNotRevoked', error instanceof Error && error.message ? error.message : t('failed')));
      button.disabled = false;
    }
  };

  create.addEventListener('click', async () => {
    create.disabled = true;
    try {
      /** @type {{ createCalendarFeed: { feed: CalendarFeed | null, url: string | null, userErrors: FieldError[] } | null }} */
      const data = await run('AppCreateCalendarFeed', { student: child.id }, { mutation: true });
      const answer = data.createCalendarFeed;
      const [error] = answer?.userErrors ?? [];
      if (error || !answer?.feed || !answer.url) {
        status.refused(t('feedNotCreated', error?.message ?? t('failed')));
        return;
      }
      addresses.set(answer.feed.id, answer.url);
      feeds = [answer.feed, ...feeds];
      draw();
      status.done(t('feedCreated'));
      /** @type {HTMLElement | null} */ (list.querySelector('.feed-url'))?.focus();
    } catch (error) {
      status.refused(t('feedNotCreated', error instanceof Error && error.message ? error.message : t('failed')));
    } finally {
      create.disabled = false;
    }
  });
  draw();

  return h(
    'section',
    { class: 'card settings-block', 'aria-labelledby': 'calendar-title' },
    h('h2', { id: 'calendar-title' }, t('calendarFeed')),
    h('p', { class: 'hint' }, t('calendarAbout', child.fullName)),
    h('p', { class: 'warning' }, t('calendarWarning')),
    create,
    status.line,
    h('h3', {}, t('activeFeeds')),
    list,
  );
}

/**
 * @param {HTMLElement} main
 * @param {Child} child
 * @param {boolean} severalChildren
 */
export async function showSettings(main, child, severalChildren) {
  /** @type {{ viewer: { notificationPreferences: NotificationPreference[] } | null, calendarFeeds: CalendarFeed[] | null }} */
  const data = await run('AppSettings', { student: child.id });
  // Only a parent chooses how to hear about a child; a student's own settings are the feeds.
  const preference = data.viewer?.notificationPreferences.find((pref) => pref.student.id === child.id);
  main.replaceChildren(
    ...childHeader(child, 'settings', severalChildren),
    preference ? notificationsSection(child, preference) : '',
    calendarSection(child, data.calendarFeeds ?? []),
  );
}
