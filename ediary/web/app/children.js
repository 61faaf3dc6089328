// Choosing a child, for a parent with more than one.

import { h } from './dom.js';
import { t } from './i18n.js';

/** @typedef {import('./types.js').Child} Child */

/**
 * @param {HTMLElement} main
 * @param {Child[]} children
 */
export function showChildren(main, children) {
  const list = h(
    'ul',
    { class: 'children' },
    children.map((child) =>
      h(
        'li',
        {},
        h(
          'a',
          { class: 'card child', href: `#/week/${encodeURIComponent(child.id)}` },
          h('span', { class: 'name' }, child.fullName),
          child.schoolClass && h('span', { class: 'class' }, child.schoolClass.name),
        ),
      ),
    ),
  );
  main.replaceChildren(
    h('h1', { tabindex: '-1' }, t('pickChild')),
    children.length ? list : h('p', {}, t('noChildren')),
  );
}
