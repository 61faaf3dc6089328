// Marks by subject for the current term, with the weighted average and the forecast term
// mark the server computes by the region's rule, and under each subject what is needed for
// the term mark the family aims for (5, 4 or 3), asked only when opened.

import { run } from './api.js';
import { childHeader } from './child.js';
import { h } from './dom.js';
import { decimal, markWord, shortDay, t } from './i18n.js';
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

/** The term marks a family may aim for; the chosen one is kept while the app is open. */
const TARGETS = [5, 4, 3];
let target = 5;

/**
 * "What is needed for a 5" under one subject: the forecast is asked when it is opened (and
 * again when the target changes while it is open), not for every subject on the first draw.
 * @param {Child} child
 * @param {SubjectAverage} row
 * @returns {{ element: HTMLDetailsElement, retarget: () => void }}
 */
function needDetails(child, row) {
  const body = h('div', { class: 'need-body', 'aria-live': 'polite' });
  const summary = h('summary', {}, t('needFor', markWord(target, 'of')));
  const element = h('details', { class: 'need', 'data-subject': row.subject.id }, summary, body);
  /** The target whose answer is on show; 0 for none. */
  let shown = 0;
  const load = async () => {
    if (!element.open || shown === target) return;
    const asked = target;
    body.replaceChildren(h('p', { class: 'empty' }, t('loading')));
    try {
      // The words of the forecast are a module of their own, loaded with the first one.
      const { loadForecast, forecastView } = await import('./forecast.js');
      const found = await loadForecast(child.id, row.subject.id, asked);
      if (asked !== target) return; // the family chose another target meanwhile
      body.replaceChildren(...(found ? forecastView(found) : [h('p', { class: 'empty' }, t('noMarks'))]));
      element.dataset.target = String(asked);
      shown = asked;
    } catch (error) {
      console.warn(error);
      body.replaceChildren(h('p', { class: 'alert' }, t('failed')));
    }
  };
  element.addEventListener('toggle', () => void load());
  const retarget = () => {
    summary.textContent = t('needFor', markWord(target, 'of'));
    void load();
  };
  return { element, retarget };
}

/**
 * The choice of the term mark to aim for: 5, 4 or 3, as radio buttons.
 * @param {(value: number) => void} chosen
 * @returns {HTMLFieldSetElement}
 */
function targetChoice(chosen) {
  return h(
    'fieldset',
    { class: 'target' },
    h('legend', {}, t('target')),
    TARGETS.map((value) =>
      h(
        'label',
        {},
        h('input', {
          type: 'radio',
          name: 'target',
          value: String(value),
          checked: value === target,
          onchange: () => chosen(value),
        }),
        h('span', { class: `value v${value}` }, String(value)),
      ),
    ),
  );
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
  /** @type {(() => void)[]} */
  const retargets = [];
  const choose = (/** @type {number} */ value) => {
    target = value;
    for (const retarget of retargets) retarget();
  };
  main.replaceChildren(
    ...childHeader(child, 'marks', severalChildren),
    term
      ? h('h2', { class: 'range' }, t('termMarks', term.number), ` (${shortDay(day(term.startsOn))} – ${shortDay(day(term.endsOn))})`)
      : '',
    averages.length > 0 ? targetChoice(choose) : '',
    h(
      'ul',
      { class: 'subjects', 'aria-label': t('subjects') },
      averages.map((row) => {
        const own = bySubject.get(row.subject.id) ?? [];
        const need = needDetails(child, row);
        retargets.push(need.retarget);
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
          need.element,
        );
      }),
    ),
  );
}
