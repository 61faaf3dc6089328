// The progress picture: one small chart per subject (the running average at the end of each
// week of the term, the weeks still to come shaded, the class's average beside it where the
// school shows it to families), drawn here as inline SVG from the API's `progress` and
// `classStanding`, in the family's language, with the same figures in words for screen
// readers. Loaded only when opened.

import { run } from './api.js';
import { childHeader } from './child.js';
import { h } from './dom.js';
import { decimal, plural, shortDay, t } from './i18n.js';
import { day } from './weeks.js';

/**
 * @typedef {import('./types.js').Child} Child
 * @typedef {import('./types.js').Progress} Progress
 * @typedef {import('./types.js').ClassStanding} ClassStanding
 * @typedef {import('./types.js').SubjectProgress} SubjectProgress
 */

const SVG = 'http://www.w3.org/2000/svg';
// The region's five-point scale, the same in every chart so that subjects compare at a glance.
const LOWEST = 1;
const HIGHEST = 5;
const WIDTH = 340;
const HEIGHT = 128;
const LEFT = 22;
const RIGHT = 6;
const TOP = 8;
const BOTTOM = 20;
const DAY = 86_400_000;

/**
 * An SVG element (dom.js builds HTML ones).
 * @param {string} tag
 * @param {Record<string, string | number>} attributes
 * @param {...(Node | string)} children
 * @returns {SVGElement}
 */
function svg(tag, attributes, ...children) {
  const element = /** @type {SVGElement} */ (document.createElementNS(SVG, tag));
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

/** "4 недели", "1 week". */
function weeksWords(/** @type {number} */ count) {
  return `${count} ${plural(t('weekForms'), count)}`;
}

let charts = 0;

/**
 * One subject's chart: its running average as steps from one week's end to the next.
 * @param {SubjectProgress} subject
 * @param {Progress} progress
 * @param {number | null} classAverage
 * @returns {SVGElement}
 */
function chart(subject, progress, classAverage) {
  const start = day(progress.term.startsOn).getTime();
  const end = day(progress.term.endsOn).getTime() + DAY;
  const today = day(progress.asOf).getTime();
  const x = (/** @type {number} */ time) =>
    LEFT + ((Math.min(Math.max(time, start), end) - start) / (end - start)) * (WIDTH - LEFT - RIGHT);
  const y = (/** @type {number} */ value) => TOP + ((HIGHEST - value) / (HIGHEST - LOWEST)) * (HEIGHT - TOP - BOTTOM);
  const id = `chart-${++charts}`;
  const points = subject.points.map((point) => ({ at: day(point.weekEnds).getTime(), point }));
  const words = points.map(({ at, point }) => `${shortDay(new Date(at))} ${decimal(point.average)}`).join('; ');
  const description = [
    t('chartDesc', words),
    classAverage === null ? '' : t('chartClass', decimal(classAverage)),
    progress.weeksLeft > 0 ? t('weeksLeft', weeksWords(progress.weeksLeft)) : t('termOver'),
  ].join(' ');
  const parts = [
    svg('title', { id: `${id}-title` }, t('chartOf', subject.subject.name)),
    svg('desc', { id: `${id}-desc` }, description),
  ];
  if (progress.weeksLeft > 0) {
    parts.push(
      svg('rect', { class: 'ahead', x: x(today + DAY), y: TOP, width: x(end) - x(today + DAY), height: HEIGHT - TOP - BOTTOM }),
      svg('text', { class: 'tick', x: WIDTH - RIGHT - 4, y: HEIGHT - BOTTOM - 5, 'text-anchor': 'end' }, t('weeksShort', progress.weeksLeft)),
    );
  }
  for (let value = LOWEST; value <= HIGHEST; value += 1) {
    parts.push(
      svg('line', { class: 'grid', x1: LEFT, x2: WIDTH - RIGHT, y1: y(value), y2: y(value) }),
      svg('text', { class: 'tick', x: LEFT - 6, y: y(value) + 4, 'text-anchor': 'end' }, String(value)),
    );
  }
  parts.push(
    svg('text', { class: 'tick', x: LEFT, y: HEIGHT - 4 }, shortDay(new Date(start))),
    svg('text', { class: 'tick', x: WIDTH - RIGHT, y: HEIGHT - 4, 'text-anchor': 'end' }, shortDay(new Date(end - DAY))),
  );
  if (classAverage !== null) {
    parts.push(svg('line', { class: 'class-line', x1: LEFT, x2: WIDTH - RIGHT, y1: y(classAverage), y2: y(classAverage) }));
  }
  const first = points[0];
  const last = points[points.length - 1];
  if (first && last) {
    // An average holds from the end of one week with marks until the next; the last one
    // until today (or the end of the term), when no later mark has changed it.
    let path = `M${x(first.at)},${y(first.point.average)}`;
    for (const { at, point } of points.slice(1)) path += `H${x(at)}V${y(point.average)}`;
    path += `H${x(Math.max(last.at, Math.min(today, end - DAY)))}`;
    parts.push(svg('path', { class: 'line', d: path }));
    for (const { at, point } of points) parts.push(svg('circle', { class: 'point', cx: x(at), cy: y(point.average), r: 3 }));
  }
  return svg(
    'svg',
    {
      class: 'chart',
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: 'img',
      'aria-labelledby': `${id}-title ${id}-desc`,
    },
    ...parts,
  );
}

/** What the lines, the dashes and the shading mean, drawn as they are in the charts. */
function legend(/** @type {boolean} */ withClass, /** @type {boolean} */ withAhead) {
  /** @param {SVGElement} sample @param {string} text */
  const item = (sample, text) =>
    h('li', {}, svg('svg', { class: 'sample', viewBox: '0 0 28 12', 'aria-hidden': 'true' }, sample), text);
  return h(
    'ul',
    { class: 'legend', 'aria-label': t('legend') },
    item(svg('path', { class: 'line', d: 'M2,9H14V3H26' }), t('legendChild')),
    withClass ? item(svg('line', { class: 'class-line', x1: 2, x2: 26, y1: 6, y2: 6 }), t('legendClass')) : '',
    withAhead ? item(svg('rect', { class: 'ahead', x: 2, y: 1, width: 24, height: 10 }), t('legendAhead')) : '',
  );
}

/**
 * @param {HTMLElement} main
 * @param {Child} child
 * @param {boolean} severalChildren
 */
export async function showProgress(main, child, severalChildren) {
  /** @type {{ progress: Progress | null, classStanding: ClassStanding | null }} */
  const data = await run('AppProgress', { student: child.id });
  const progress = data.progress;
  const standing = data.classStanding;
  /** @type {Map<string, number>} */
  const classAverages = new Map();
  for (const row of standing?.subjects ?? []) {
    if (row.classAverage !== null) classAverages.set(row.subject.id, row.classAverage);
  }
  const subjects = (progress?.subjects ?? []).filter((subject) => subject.points.length > 0);
  main.replaceChildren(
    ...childHeader(child, 'progress', severalChildren),
    progress
      ? h(
          'h2',
          { class: 'range' },
          t('progressTitle', progress.term.number),
          ` (${shortDay(day(progress.term.startsOn))} – ${shortDay(day(progress.term.endsOn))})`,
        )
      : '',
    progress
      ? h('p', { class: 'weeks-left' }, progress.weeksLeft > 0 ? t('weeksLeft', weeksWords(progress.weeksLeft)) : t('termOver'))
      : '',
    subjects.length > 0 ? legend(classAverages.size > 0, (progress?.weeksLeft ?? 0) > 0) : '',
    standing && !standing.shown ? h('p', { class: 'hint' }, t('classHidden')) : '',
    progress && subjects.length > 0
      ? h(
          'ul',
          { class: 'progress-charts', 'aria-label': t('subjects') },
          subjects.map((subject) => {
            const last = subject.points[subject.points.length - 1];
            const ofClass = classAverages.get(subject.subject.id) ?? null;
            return h(
              'li',
              { class: 'card', 'data-subject': subject.subject.id },
              h(
                'div',
                { class: 'subject-head' },
                h('h3', {}, subject.subject.name),
                h(
                  'dl',
                  { class: 'figures' },
                  h('div', {}, h('dt', {}, t('average')), h('dd', { class: 'average' }, last ? decimal(last.average) : '—')),
                  ofClass === null
                    ? ''
                    : h('div', {}, h('dt', {}, t('classAverage')), h('dd', { class: 'class-average' }, decimal(ofClass))),
                ),
              ),
              chart(subject, progress, ofClass),
            );
          }),
        )
      : h('p', { class: 'empty' }, t('noProgress')),
    progress && subjects.length > 0 ? h('p', {}, h('a', { href: progress.chartUrl, class: 'picture' }, t('chartPicture'))) : '',
  );
}
