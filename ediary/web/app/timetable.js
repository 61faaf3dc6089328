// The teacher's timetable (`#/timetable[/<week>]`): a week of their lessons day by day, with
// the bell times, class, room, topic and changes, each leading to that class's journal of
// the subject. Loaded by main.js when opened: a family's first load never carries it.

import { run } from './api.js';
import { h } from './dom.js';
import { dayName, shortDay, t } from './i18n.js';
import { change } from './week.js';
import { day, monday, shift } from './weeks.js';

/**
 * @typedef {import('./types.js').TeacherLesson} TeacherLesson
 * @typedef {import('./types.js').TeacherTimetable} TeacherTimetable
 */

/** @param {TeacherLesson} lesson */
function lessonItem(lesson) {
  const cancelled = lesson.status === 'CANCELLED';
  const roomChanged = lesson.scheduledRoom !== null && lesson.scheduledRoom !== lesson.room;
  const changed = lesson.status !== 'HELD' || roomChanged || Boolean(lesson.changeNote);
  const time = lesson.bell && `${lesson.bell.startsAt.slice(0, 5)}–${lesson.bell.endsAt.slice(0, 5)}`;
  const group = lesson.schoolClass;
  const title = group ? `${group.name} · ${lesson.subject.name}` : lesson.subject.name;
  return h(
    'li',
    { class: `lesson${changed ? ' changed' : ''}${cancelled ? ' cancelled' : ''}` },
    h(
      'div',
      { class: 'when' },
      h('span', { class: 'visually-hidden' }, t('lesson', lesson.period)),
      h('span', { class: 'period', 'aria-hidden': 'true' }, lesson.period),
      time && h('span', { class: 'time' }, time),
    ),
    h(
      'div',
      { class: 'what' },
      h('h3', {}, title),
      lesson.room && h('p', { class: 'who' }, t('room', lesson.room)),
      changed && h('p', { class: 'change' }, ...change(lesson, roomChanged)),
      lesson.topic && h('p', { class: 'topic' }, h('span', { class: 'label' }, `${t('topic')}: `), lesson.topic),
      group &&
        h(
          'p',
          { class: 'journal-link' },
          h(
            'a',
            {
              href: `#/journal/${encodeURIComponent(group.id)}/${encodeURIComponent(lesson.subject.id)}`,
              'aria-label': t('timetableJournalOf', title),
            },
            t('timetableJournal'),
          ),
        ),
    ),
  );
}

/**
 * Draws the teacher's week into <main>: the current one, or `week` ("2026-W48").
 * @param {HTMLElement} main
 * @param {string} week
 */
export async function showTimetable(main, week) {
  /** @type {{ teacherTimetable: TeacherTimetable | null }} */
  const data = await run('AppTeacherTimetable', { week: week || null });
  const timetable = data.teacherTimetable;
  if (!timetable) {
    main.replaceChildren(h('h1', { tabindex: '-1' }, t('timetable')), h('p', { class: 'empty' }, t('noJournals')));
    return;
  }
  const first = monday(timetable.week);
  const last = new Date(first.getTime() + 6 * 24 * 60 * 60 * 1000);
  const days = timetable.days.filter((d) => d.lessons.length > 0);
  main.replaceChildren(
    h('h1', { tabindex: '-1' }, t('timetable')),
    h('p', {}, h('a', { href: '#/journal' }, t('journals'))),
    h(
      'nav',
      { class: 'weeks', 'aria-label': t('weeks') },
      h('a', { href: `#/timetable/${shift(timetable.week, -1)}`, rel: 'prev' }, t('previousWeek')),
      h('h2', { class: 'range' }, `${shortDay(first)} – ${shortDay(last)}`),
      h('a', { href: `#/timetable/${shift(timetable.week, 1)}`, rel: 'next' }, t('nextWeek')),
    ),
    days.length === 0
      ? h('p', { class: 'empty days' }, t('noSchoolDays'))
      : h(
          'div',
          { class: 'days timetable' },
          days.map((d) =>
            h(
              'section',
              { class: 'day', 'aria-label': dayName(day(d.date)) },
              h('h2', {}, dayName(day(d.date))),
              h('ol', { class: 'lessons' }, d.lessons.map(lessonItem)),
            ),
          ),
        ),
  );
}
