// "My class": the class teacher's own screens for the class they lead, loaded only when a
// class teacher opens them (`#/class/<class>/<section>`): parent meetings, class news,
// acknowledgements asked of families, and the families' logins.

import { run } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/**
 * @typedef {import('./types.js').LedClass} LedClass
 * @typedef {(box: HTMLElement, schoolClass: LedClass) => Promise<void>} Section
 */

/** @type {Record<string, { label: () => string, load: () => Promise<Section> }>} */
const SECTIONS = {
  meetings: { label: () => t('classMeetings'), load: async () => (await import('./class-meetings.js')).showMeetings },
  news: { label: () => t('classNews'), load: async () => (await import('./class-news.js')).showNews },
  acknowledgements: { label: () => t('classAcks'), load: async () => (await import('./class-acks.js')).showAcks },
  logins: { label: () => t('classLogins'), load: async () => (await import('./class-logins.js')).showLogins },
};

/**
 * The class teacher's area: the class they lead (a choice when several), one section of it.
 * @param {HTMLElement} main
 * @param {string} classId
 * @param {string} section
 */
export async function showMyClass(main, classId, section) {
  /** @type {{ viewer: { ledClasses: LedClass[] } | null }} */
  const data = await run('AppLedClasses');
  const classes = data.viewer?.ledClasses ?? [];
  const chosen = classes.find((c) => c.id === classId);
  const back = h('a', { href: '#/journal', class: 'other' }, t('journals'));
  if (!chosen) {
    if (classes.length === 1 && classes[0]) {
      location.replace(`#/class/${encodeURIComponent(classes[0].id)}/meetings`);
      return;
    }
    main.replaceChildren(
      h('div', { class: 'child-head' }, h('h1', { tabindex: '-1' }, t('myClass')), back),
      classes.length
        ? h('ul', { class: 'children' }, classes.map((c) => h('li', {}, h('a', { class: 'card child', href: `#/class/${encodeURIComponent(c.id)}/meetings` }, c.name))))
        : h('p', {}, t('noLedClass')),
    );
    return;
  }
  const name = section in SECTIONS ? section : 'meetings';
  const base = `#/class/${encodeURIComponent(chosen.id)}`;
  const box = h('div', { class: 'class-section' });
  main.replaceChildren(
    h('div', { class: 'child-head' }, h('h1', { tabindex: '-1' }, t('myClassOf', chosen.name)), back),
    h(
      'nav',
      { class: 'sections', 'aria-label': t('sections') },
      Object.entries(SECTIONS).map(([key, s]) =>
        h('a', { href: `${base}/${key}`, 'aria-current': key === name ? 'page' : null }, s.label()),
      ),
    ),
    box,
  );
  const show = await SECTIONS[name]?.load();
  if (show) await show(box, chosen);
}
