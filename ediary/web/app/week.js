// The week of a child: each school day, its lessons with bell times, subject, teacher and
// room, what changed, the topic, homework, marks and attendance. It follows the diary live
// while it is on the screen, and is kept in the browser for reading it offline.

import { run } from './api.js';
import { childHeader } from './child.js';
import { h } from './dom.js';
import { dateTime, dayName, kindName, language, shortDay, t } from './i18n.js';
import { subscribe } from './live.js';
import { keepWeek } from './offline.js';
import { day, monday, shift, weekOf } from './weeks.js';

/**
 * @typedef {import('./types.js').Child} Child
 * @typedef {import('./types.js').DiaryWeek} DiaryWeek
 * @typedef {import('./types.js').DiaryLesson} DiaryLesson
 * @typedef {import('./types.js').Mark} Mark
 * @typedef {import('./types.js').DiaryUpdate} DiaryUpdate
 * @typedef {import('./offline.js').KeptWeek} KeptWeek
 */

/**
 * One mark: the value large, its weight and kind beside, the teacher's comment under it.
 * `compact` (a subject's row of marks) keeps the value and its weight only.
 * @param {Mark} mark
 * @param {{ subject?: string, compact?: boolean, fresh?: boolean }} [options] `subject` for
 *   marks outside lessons, `fresh` for one that has just arrived live
 */
export function markItem(mark, { subject, compact = false, fresh = false } = {}) {
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
    { class: fresh ? 'mark fresh' : 'mark' },
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
 * without a note, the details the API gives. The teacher's timetable says it the same way.
 * @param {Pick<import('./types.js').Lesson, 'status' | 'changeNote' | 'substituteTeacher' | 'scheduledRoom'>} lesson
 * @param {boolean} roomChanged
 * @returns {(HTMLElement | string)[]}
 */
export function change(lesson, roomChanged) {
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

/**
 * @param {DiaryLesson} item
 * @param {Set<string>} fresh the IDs of marks that have just arrived
 */
function lessonItem({ lesson, homework, marks, attendance, plannedWork }, fresh) {
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
      marks.length > 0 &&
        h('ul', { class: 'marks' }, marks.map((mark) => markItem(mark, { fresh: fresh.has(mark.id) }))),
    ),
  );
}

/** The IDs of every mark of a week. @param {DiaryWeek} diary */
function markIds(diary) {
  return new Set(
    diary.days.flatMap((d) => [
      ...d.lessons.flatMap((lesson) => lesson.marks.map((mark) => mark.id)),
      ...d.otherMarks.map((mark) => mark.id),
    ]),
  );
}

/**
 * The school days of a week (those with lessons or marks), or a word that there are none.
 * @param {DiaryWeek} diary
 * @param {Set<string>} fresh the IDs of marks to show as just arrived
 * @returns {HTMLElement}
 */
function daysOf(diary, fresh) {
  const days = diary.days.filter((d) => d.lessons.length > 0 || d.otherMarks.length > 0);
  if (days.length === 0) return h('p', { class: 'empty days' }, t('noSchoolDays'));
  return h(
    'div',
    { class: 'days' },
    days.map((d) =>
      h(
        'section',
        { class: 'day', 'aria-label': dayName(day(d.date)) },
        h('h2', {}, dayName(day(d.date))),
        d.lessons.length > 0
          ? h('ol', { class: 'lessons' }, d.lessons.map((lesson) => lessonItem(lesson, fresh)))
          : h('p', { class: 'empty' }, t('noLessons')),
        d.otherMarks.length > 0 &&
          h(
            'div',
            { class: 'other-marks' },
            h('h3', {}, t('otherMarks')),
            h(
              'ul',
              { class: 'marks' },
              d.otherMarks.map((mark) => markItem(mark, { subject: mark.subject.name, fresh: fresh.has(mark.id) })),
            ),
          ),
      ),
    ),
  );
}

/**
 * Draws a week into <main>. `savedAt` (when read from the browser's copy, offline) leaves out
 * the ways to other weeks, which need the network, and says how old the copy is.
 * @param {HTMLElement} main
 * @param {Child} child
 * @param {boolean} severalChildren
 * @param {DiaryWeek} diary
 * @param {string | null} savedAt
 */
function drawWeek(main, child, severalChildren, diary, savedAt) {
  const id = encodeURIComponent(child.id);
  const first = monday(diary.week);
  const last = new Date(first.getTime() + 6 * 24 * 60 * 60 * 1000);
  const range = h('h2', { class: 'range' }, `${shortDay(first)} – ${shortDay(last)}`);
  main.replaceChildren(
    ...childHeader(diary.student ?? child, 'week', severalChildren),
    savedAt
      ? h('p', { class: 'offline', role: 'status' }, t('offlineAsOf', dateTime(new Date(savedAt))))
      : '',
    savedAt
      ? h('div', { class: 'weeks' }, range)
      : h(
          'nav',
          { class: 'weeks', 'aria-label': t('weeks') },
          h('a', { href: `#/week/${id}/${shift(diary.week, -1)}`, rel: 'prev' }, t('previousWeek')),
          range,
          h('a', { href: `#/week/${id}/${shift(diary.week, 1)}`, rel: 'next' }, t('nextWeek')),
        ),
    // The paper copy of this very week (docs/api.md, paper copies), in the app's language.
    savedAt
      ? ''
      : h(
          'p',
          { class: 'print-week' },
          h('a', { href: `/print/week.pdf?student=${id}&week=${diary.week}&lang=${language()}`, type: 'application/pdf' }, t('printWeek')),
        ),
    // What arrives live is said here, politely: screen readers finish what they are reading.
    savedAt ? '' : h('p', { class: 'live', role: 'status', 'aria-live': 'polite' }),
    daysOf(diary, new Set()),
  );
}

/** The event week.js sends on `window` when the server ended the session it followed with. */
export const SESSION_ENDED = 'ediary:session-ended';

/** Stops following the week on the screen, if any. */
let stopFollowing = () => {};

/** Called before another screen is drawn: the week's live updates end with it. */
export function leaveWeek() {
  stopFollowing();
  stopFollowing = () => {};
}

/**
 * What an update says, in a sentence.
 * @param {DiaryUpdate} update
 */
function spoken(update) {
  const subject = update.subject?.name ?? '';
  if (update.mark && (update.kind === 'MARK_POSTED' || update.kind === 'MARK_CORRECTED')) {
    return t(update.kind === 'MARK_POSTED' ? 'liveMark' : 'liveMarkCorrected', update.mark.value, subject);
  }
  return t('liveChange', subject);
}

/**
 * Follows the week on the screen live: each change of this child's diary within the week
 * (and anything missed while the connection was down) asks the week again and redraws its
 * days, the new marks marked; the header, the links and the focus stay where they are.
 * @param {HTMLElement} main
 * @param {Child} child
 * @param {boolean} severalChildren
 * @param {DiaryWeek} shown
 * @param {string} user
 */
function follow(main, child, severalChildren, shown, user) {
  leaveWeek();
  let following = true;
  let current = shown;
  let queue = Promise.resolve();
  /** @param {DiaryUpdate | null} update */
  const refresh = (update) => {
    queue = queue
      .then(async () => {
        /** @type {{ diary: DiaryWeek | null }} */
        const data = await run('AppWeek', { student: child.id, week: current.week });
        // Another screen may have been drawn while the week was asked.
        if (!data.diary || !following) return;
        const before = markIds(current);
        current = data.diary;
        const fresh = new Set([...markIds(current)].filter((mark) => !before.has(mark)));
        main.querySelector('.days')?.replaceWith(daysOf(current, fresh));
        const live = main.querySelector('.live');
        if (live && update) live.textContent = spoken(update);
        void keepWeek({ user, child, severalChildren, diary: current, savedAt: new Date().toISOString() });
      })
      .catch((error) => console.warn(error));
  };
  const stop = subscribe(
    'AppDiaryUpdates',
    { student: child.id },
    {
      next: (/** @type {{ diaryUpdates: DiaryUpdate }} */ data) => {
        const update = data.diaryUpdates;
        if (!update.date || weekOf(day(update.date)) === current.week) refresh(update);
      },
      resumed: () => refresh(null),
      ended: (code) => {
        if (code) window.dispatchEvent(new Event(SESSION_ENDED));
      },
    },
  );
  stopFollowing = () => {
    following = false;
    stop();
  };
}

/**
 * @param {HTMLElement} main
 * @param {Child} child
 * @param {boolean} severalChildren
 * @param {string | null} week null for the current one, as the school counts it
 * @param {string} user the signed-in user's ID, whose copy the week becomes
 */
export async function showWeek(main, child, severalChildren, week, user) {
  /** @type {{ diary: DiaryWeek | null }} */
  const data = await run('AppWeek', { student: child.id, week });
  const diary = data.diary;
  if (!diary) throw new Error('NOT_FOUND');
  drawWeek(main, child, severalChildren, diary, null);
  // For the browser test and anyone profiling: when the week was on the screen.
  performance.mark('ediary:week-rendered');
  void keepWeek({ user, child, severalChildren, diary, savedAt: new Date().toISOString() });
  follow(main, child, severalChildren, diary, user);
}

/**
 * The week kept in this browser, read-only, with how old it is: for when there is no
 * connection.
 * @param {HTMLElement} main
 * @param {KeptWeek} kept
 */
export function showKeptWeek(main, kept) {
  drawWeek(main, kept.child, kept.severalChildren, kept.diary, kept.savedAt);
}
