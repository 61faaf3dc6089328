// Marks by subject for the current term, with the weighted average and the forecast term
// mark the server computes by the region's rule.

import { run } from './api.js';
import { childHeader } from './child.js';
import { h } from './dom.js';
import { decimal, shortDay, t } from './i18n.js';
import { markItem } from './week.js';
import { day } from './weeks.js';

/**
 * @typedef {import('./types.js').Child} Child
 * @typedef {import('./types.js').SubjectAverage} SubjectAverage
 * @typedef {import('./types.js').TermMark} TermMark
 */

/**
 * Every mark of the term, a page of 100 at a time (the API's largest page).
 * @param {string} student
 * @param {string} term
 * @returns {Promise<TermMark[]>}
 */
async function termMarks(student, term) {
  /** @type {TermMark[]} */
  const found = [];
  /** @type {string | null} */
  let after = null;
  for (;;) {
    /** @type {{ marks: { edges: { node: TermMark | null }[] | null, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null }} */
    const data = await run('AppTermMarks', { student, term, after });
    if (!data.marks) return found;
    for (const edge of data.marks.edges ?? []) if (edge.node) found.push(edge.node);
    if (!data.marks.pageInfo.hasNextPage) return found;
    after = data.marks.pageInfo.endCursor;
  }
}

/**
 * @param {HTMLElement} main
 * @param {Child} child
 * @param {boolean} severalChildren
 */
export async function showMarks(main, child, severalChildren) {
  /** @type {{ termAverages: SubjectAverage[] | null }} */
  const data = await run('AppTermAverages', { student: child.id });
  const averages = [...(data.termAverages ?? [])].sort((a, b) => a.subject.name.localeCompare(b.subject.name));
  const term = averages[0]?.term;
  const marks = term ? await termMarks(child.id, term.id) : [];
  /** @type {Map<string, TermMark[]>} */
  const bySubject = new Map();
  // Oldest first within a subject, as a paper diary reads.
  for (const mark of [...marks].reverse()) {
    bySubject.set(mark.subject.id, [...(bySubject.get(mark.subject.id) ?? []), mark]);
  }
  main.replaceChildren(
    ...childHeader(child, 'marks', severalChildren),
    term
      ? h('h2', { class: 'range' }, t('termMarks', term.number), ` (${shortDay(day(term.startsOn))} – ${shortDay(day(term.endsOn))})`)
      : '',
    h(
      'ul',
      { class: 'subjects', 'aria-label': t('subjects') },
      averages.map((row) => {
        const own = bySubject.get(row.subject.id) ?? [];
        return h(
          'li',
          { class: 'card subject' },
          h(
            'div',
            { class: 'subject-head' },
            h('h3', {}, row.subject.name),
            h(
              'dl',
              { class: 'figures' },
              h('div', {}, h('dt', {}, t('average')), h('dd', { class: 'average' }, row.average === null ? '—' : decimal(row.average))),
              h('div', {}, h('dt', {}, t('forecast')), h('dd', { class: 'forecast' }, row.forecast ?? '—')),
            ),
          ),
          own.length > 0
            ? h('ul', { class: 'marks' }, own.map((mark) => markItem(mark, { compact: true })))
            : h('p', { class: 'empty' }, t('noMarks')),
        );
      }),
    ),
  );
}
