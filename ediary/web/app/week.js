// The week of a child: each school day, its lessons with bell times, subject, teacher and
// room, what changed, the topic, homework, marks and attendance.

import { run } from './api.js';
import { childHeader } from './child.js';
import { h } from './dom.js';
import { dayName, kindName, shortDay, t } from './i18n.js';
import { day, monday, shift } from './weeks.js';

/**
 * @typedef {import('./types.js').Child} Child
 * @typedef {import('./types.js').DiaryWeek} DiaryWeek
 * @typedef {import('./types.js').DiaryLesson} DiaryLesson
 * @typedef {import('./types.js').Mark} Mark
 */

/**
 * One mark: the value large, its weight and kind beside, the teacher's comment under it.
 * `compact` (a subject's row of marks) keeps the value and its weight only.
 * @param {Mark} mark
 * @param {{ subject?: string, compact?: boolean }} [options] `subject` for marks outside lessons
 */
export function markItem(mark, { subject, compact = false } = {}) {
  // Screen readers read the whole mark in words; the figures beside are for the eyes.
  const spoken = h('span', { class: 'visually-hidden' }, t('markLabel', mark.value, mark.weight, kindName(mark.kind)));
  const value = h(
    'span',
    { class: `value v${mark.value}`, 'aria-hidden': 'true' },
    mark.value,
    compact && mark.weight !== 1 && h('sub', {}, `×${mark.weight}`),
  );
  if (compact) return h('li', { class: 'mark compact' }, spoken, value);
  return h(
    'li',
    { class: 'mark' },
    spoken,
    value,
    h(
      'span',
      { class: 'about', 'aria-hidden': 'true' },
      subject ? `${subject}: ` : '',
      h('span', { class: 'kind' }, kindName(mark.kind)),
      mark.weight !== 1 && h('span', { class: 'weight' }, t('weight', mark.weight)),
    ),
    mark.comment && h('span', { class: 'comment' }, mark.comment),
  );
}

/**
 * What changed, in the app's words (a short label), then in the school's (`changeNote`);
 * without a note, the details the API gives.
 * @param {import('./types.js').Lesson} lesson
 * @param {boolean} roomChanged
 * @returns {(HTMLElement | string)[]}
 */
function change(lesson, roomChanged) {
  const label =
    lesson.status === 'CANCELLED'
      ? t('cancelled')
      : lesson.status === 'SUBSTITUTED'
        ? t('substitution')
        : roomChanged
          ? t('roomChange')
          : t('changed');
  /** @type {string} */
  let detail = lesson.changeNote;
  if (!detail && lesson.status === 'SUBSTITUTED' && lesson.substituteTeacher) {
    detail = t('substitute', lesson.substituteTeacher.shortName);
  } else if (!detail && roomChanged) {
    detail = t('roomWas', lesson.scheduledRoom ?? '');
  }
  return [h('strong', {}, label), detail];
}

/** @param {DiaryLesson} item */
function lessonItem({ lesson, homework, marks, attendance, plannedWork }) {
  const cancelled = lesson.status === 'CANCELLED';
  const roomChanged = lesson.scheduledRoom !== null && lesson.scheduledRoom !== lesson.room;
  const changed = lesson.status !== 'HELD' || roomChanged || Boolean(lesson.changeNote);
  const time = lesson.bell && `${lesson.bell.startsAt.slice(0, 5)}–${lesson.bell.endsAt.slice(0, 5)}`;
  const teacher = lesson.substituteTeacher?.shortName ?? lesson.teacher.shortName;
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
      h('h3', {}, lesson.subject.name),
      h('p', { class: 'who' }, teacher, lesson.room && ` · ${t('room', lesson.room)}`),
      changed && h('p', { class: 'change' }, ...change(lesson, roomChanged)),
      lesson.topic && h('p', { class: 'topic' }, h('span', { class: 'label' }, `${t('topic')}: `), lesson.topic),
      plannedWork.map((work) =>
        h('p', { class: 'planned' }, h('span', { class: 'label' }, `${t('planned')}: `), kindName(work.kind), work.topic && ` — ${work.topic}`),
      ),
      homework.map((task) =>
        h(
          'div',
          { class: 'homework' },
          h('span', { class: 'label' }, `${t('homework')}: `),
          task.text,
          task.attachments.length > 0 &&
            h('ul', { class: 'files' }, task.attachments.map((file) => h('li', {}, h('a', { href: file.url }, file.filename)))),
        ),
      ),
      attendance &&
        h(
          'p',
          { class: 'attendance' },
          attendance.kind === 'ABSENT' ? t('absent') : t('late', attendance.minutesLate ?? 0),
          attendance.excused && ` (${t('excused')})`,
        ),
      marks.length > 0 && h('ul', { class: 'marks' }, marks.map((mark) => markItem(mark))),
    ),
  );
}

/**
 * @param {HTMLElement} main
 * @param {Child} child
 * @param {boolean} severalChildren
 * @param {string | null} week null for the current one, as the school counts it
 */
export async function showWeek(main, child, severalChildren, week) {
  /** @type {{ diary: DiaryWeek | null }} */
  const data = await run('AppWeek', { student: child.id, week });
  const diary = data.diary;
  if (!diary) throw new Error('NOT_FOUND');
  const id = encodeURIComponent(child.id);
  const first = monday(diary.week);
  const last = new Date(first.getTime() + 6 * 24 * 60 * 60 * 1000);
  const days = diary.days.filter((d) => d.lessons.length > 0 || d.otherMarks.length > 0);
  main.replaceChildren(
    ...childHeader(diary.student ?? child, 'week', severalChildren),
    h(
      'nav',
      { class: 'weeks', 'aria-label': t('weeks') },
      h('a', { href: `#/week/${id}/${shift(diary.week, -1)}`, rel: 'prev' }, t('previousWeek')),
      h('h2', { class: 'range' }, `${shortDay(first)} – ${shortDay(last)}`),
      h('a', { href: `#/week/${id}/${shift(diary.week, 1)}`, rel: 'next' }, t('nextWeek')),
    ),
    days.length === 0
      ? h('p', { class: 'empty' }, t('noSchoolDays'))
      : h(
          'div',
          { class: 'days' },
          days.map((d) =>
            h(
              'section',
              { class: 'day', 'aria-label': dayName(day(d.date)) },
              h('h2', {}, dayName(day(d.date))),
              d.lessons.length > 0
                ? h('ol', { class: 'lessons' }, d.lessons.map(lessonItem))
                : h('p', { class: 'empty' }, t('noLessons')),
              d.otherMarks.length > 0 &&
                h(
                  'div',
                  { class: 'other-marks' },
                  h('h3', {}, t('otherMarks')),
                  h('ul', { class: 'marks' }, d.otherMarks.map((mark) => markItem(mark, { subject: mark.subject.name }))),
                ),
            ),
          ),
        ),
  );
  // For the browser test and anyone profiling: when the week was on the screen.
  performance.mark('ediary:week-rendered');
}
