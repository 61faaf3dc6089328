// What every screen of one child starts with: whose diary it is, and the way to its sections.

import { h } from './dom.js';
import { t } from './i18n.js';

/** @typedef {import('./types.js').Child} Child */

// Acknowledgements are given by parents only: a student reading their own diary has no link.
let parentReading = true;

/** @param {boolean} parent whether the viewer reads as a parent */
export function readingAsParent(parent) {
  parentReading = parent;
}

// Conversations are between parents and teachers: a student reading their own diary is not
// offered them. main.js says which it is once it knows who is signed in.
let talks = false;

/** @param {boolean} parent whether the signed-in user writes to teachers about the child */
export function offerTalk(parent) {
  talks = parent;
}

/**
 * The child's name (the screen's heading), their class, and the sections' links.
 * @param {Child} child
 * @param {'week' | 'marks' | 'progress' | 'talk' | 'news' | 'meetings' | 'acks' | 'settings'} section the one shown
 * @param {boolean} severalChildren whether to offer the others
 * @returns {HTMLElement[]}
 */
export function childHeader(child, section, severalChildren) {
  const id = encodeURIComponent(child.id);
  /** @param {'week' | 'marks' | 'progress' | 'talk' | 'news' | 'meetings' | 'acks' | 'settings'} name */
  const link = (name) =>
    h(
      'a',
      { href: `#/${name}/${id}`, 'aria-current': section === name ? 'page' : null },
      t(name),
    );
  return [
    h(
      'div',
      { class: 'child-head' },
      h('h1', { tabindex: '-1' }, child.fullName),
      child.schoolClass && h('span', { class: 'class' }, child.schoolClass.name),
      severalChildren && h('a', { href: '#/children', class: 'other' }, t('otherChild')),
    ),
    h('nav', { class: 'sections', 'aria-label': t('sections') }, link('week'), link('marks'), link('progress'), talks && link('talk'), link('news'), link('meetings'), parentReading && link('acks'), link('settings')),
  ];
}
