// What the class teacher's screens share: labelled form fields, a mutation whose refusal is
// shown beside its form, and the status line that tells a screen reader what was done.

import { ApiError } from './api.js';
import { h } from './dom.js';
import { language, t } from './i18n.js';

/** @typedef {import('./types.js').UserError} UserError */

/**
 * A label and its control, the control given the id the label names.
 * @param {string} id
 * @param {string} label
 * @param {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} control
 */
export function field(id, label, control) {
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

/**
 * Waits for one of the app's mutations, sent with `run(name, variables, { mutation: true })`;
 * its userErrors, or the failure, are written into `alert` (a role=alert element, so they are
 * read out) and the payload is null then.
 * @template T
 * @param {Promise<Record<string, (T & { userErrors: UserError[] }) | null>>} sent
 * @param {HTMLElement} alert
 * @returns {Promise<T | null>}
 */
export async function write(sent, alert) {
  alert.textContent = '';
  /** @type {Record<string, (T & { userErrors: UserError[] }) | null>} */
  let data;
  try {
    data = await sent;
  } catch (error) {
    alert.textContent = error instanceof ApiError && error.message ? error.message : t('failed');
    return null;
  }
  const payload = Object.values(data)[0];
  const errors = payload?.userErrors ?? [];
  if (!payload || errors.length) {
    alert.textContent = t('classRefused', errors.map((e) => e.message).join(' ') || t('failed'));
    return null;
  }
  return payload;
}

/**
 * A school's local time of day for the API: a date and a time of the form, without a zone
 * (the API reads such a time in the school's time zone).
 * @param {string} day "2026-12-10"
 * @param {string} time "18:00"
 */
export function localMoment(day, time) {
  return `${day}T${time}:00`;
}

/**
 * A date-and-time control's parts from an API moment, in the school's time zone (as the
 * form's times are read).
 * @param {string} moment
 * @param {string | undefined} zone the school's IANA time zone
 * @returns {[string, string]}
 */
export function momentParts(moment, zone) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23', timeZone: zone,
  }).formatToParts(new Date(moment));
  const part = (/** @type {string} */ type) => parts.find((p) => p.type === type)?.value ?? '';
  return [`${part('year')}-${part('month')}-${part('day')}`, `${part('hour')}:${part('minute')}`];
}

/**
 * A moment as the school reads it, "14 декабря, 18:00": in the school's time zone, whatever
 * the device's, as meetings are scheduled.
 * @param {string} moment
 * @param {string | undefined} zone
 */
export function schoolMoment(moment, zone) {
  return new Date(moment).toLocaleString(language(), { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: zone });
}

/**
 * A meeting's start and end in the school's time zone: "14 декабря, 18:00–19:00".
 * @param {string} starts
 * @param {string} ends
 * @param {string | undefined} zone
 */
export function schoolTimes(starts, ends, zone) {
  const end = new Date(ends).toLocaleTimeString(language(), { hour: '2-digit', minute: '2-digit', timeZone: zone });
  return `${schoolMoment(starts, zone)}–${end}`;
}

/** A paragraph that announces, politely, what the last action did. */
export function statusLine() {
  return h('p', { class: 'class-status', role: 'status', tabindex: '-1' });
}

/** A paragraph for refusals, read out at once. */
export function alertLine() {
  return h('p', { class: 'alert', role: 'alert' });
}
