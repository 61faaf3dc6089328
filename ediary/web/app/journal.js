// The teacher's class journal: a class's marks for one subject over the current term, a
// student a row and a lesson a column, filled in from the keyboard alone. Arrows move between
// cells, a digit from 1 to 5 is the mark to give, Enter gives it (and moves to the next
// student), Escape drops it.

import { run } from './api.js';
import { h } from './dom.js';
import { decimal, shortDay, t } from './i18n.js';
import { day } from './weeks.js';

/**
 * @typedef {import('./types.js').TeacherWeek} TeacherWeek
 * @typedef {import('./types.js').ClassJournal} ClassJournal
 * @typedef {import('./types.js').JournalMark} JournalMark
 * @typedef {import('./types.js').UserError} UserError
 */

/**
 * The classes and subjects the teacher teaches this week, to open a journal.
 * @param {HTMLElement} main
 */
export async function showJournals(main) {
  /** @type {{ teacherTimetable: TeacherWeek | null }} */
  const data = await run('AppTeacherWeek');
  /** @type {Map<string, { href: string, label: string }>} */
  const pairs = new Map();
  for (const d of data.teacherTimetable?.days ?? []) {
    for (const lesson of d.lessons) {
      if (!lesson.schoolClass) continue;
      const href = `#/journal/${encodeURIComponent(lesson.schoolClass.id)}/${encodeURIComponent(lesson.subject.id)}`;
      pairs.set(href, { href, label: `${lesson.schoolClass.name} · ${lesson.subject.name}` });
    }
  }
  const sorted = [...pairs.values()].sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));
  main.replaceChildren(
    h('h1', { tabindex: '-1' }, t('journals')),
    sorted.length
      ? h('ul', { class: 'children' }, sorted.map((pair) => h('li', {}, h('a', { class: 'card child', href: pair.href }, pair.label))))
      : h('p', {}, t('noJournals')),
  );
}

/**
 * The text of a cell: its marks, or the absence.
 * @param {JournalMark[]} marks
 * @param {{ kind: string } | null} attendance
 */
function cellText(marks, attendance) {
  const values = marks.map((mark) => String(mark.value)).join(' ');
  const absent = attendance ? (attendance.kind === 'ABSENT' ? t('absentShort') : t('lateShort')) : '';
  return [values, absent].filter(Boolean).join(' ');
}

/**
 * @param {HTMLElement} main
 * @param {string} classId
 * @param {string} subjectId
 */
export async function showJournal(main, classId, subjectId) {
  /** @type {{ classJournal: ClassJournal | null }} */
  const data = await run('AppClassJournal', { class: classId, subject: subjectId });
  if (!data.classJournal) throw new Error('NOT_FOUND');
  const journal = data.classJournal;
  const status = h('p', { class: 'journal-status', role: 'status' });
  /** @type {HTMLTableCellElement[][]} */
  const grid = [];
  const rows = journal.rows.map((row, r) => {
    grid[r] = [];
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, row.student.fullName),
      row.cells.map((cell, c) => {
        const lesson = journal.lessons[c];
        const td = h(
          'td',
          {
            tabindex: '-1',
            'data-row': String(r),
            'data-column': String(c),
            class: lesson?.status === 'CANCELLED' ? 'cancelled' : null,
          },
          cellText(cell.marks, cell.attendance),
        );
        grid[r]?.push(td);
        return td;
      }),
      h('td', { class: 'average' }, row.average.average === null ? '—' : decimal(row.average.average)),
    );
  });

  let row = 0;
  // Start where the teacher left off: the last lesson with anything written in it.
  let column = 0;
  journal.lessons.forEach((_, c) => {
    if (journal.rows.some((r) => (r.cells[c]?.marks.length ?? 0) > 0)) column = c;
  });
  /** @type {string} */
  let pending = '';

  /** @param {number} r @param {number} c */
  function focusCell(r, c) {
    const previous = grid[row]?.[column];
    if (previous) {
      previous.tabIndex = -1;
      previous.removeAttribute('data-pending');
    }
    pending = '';
    row = Math.min(Math.max(r, 0), grid.length - 1);
    column = Math.min(Math.max(c, 0), journal.lessons.length - 1);
    const cell = grid[row]?.[column];
    if (!cell) return;
    cell.tabIndex = 0;
    cell.focus();
    cell.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  /** @param {string} message */
  function refuse(message) {
    status.setAttribute('role', 'alert');
    status.textContent = t('markRefused', message);
  }

  // One mark at a time: a second Enter while the first is on its way gives nothing more.
  let giving = false;

  async function give() {
    const cell = grid[row]?.[column];
    const target = journal.rows[row];
    const lesson = journal.lessons[column];
    if (!cell || !target || !lesson || !pending || giving) return;
    const value = Number(pending);
    const at = [row, column];
    giving = true;
    /** @type {{ postMark: { mark: JournalMark | null, userErrors: UserError[] } | null }} */
    let answer;
    try {
      answer = await run('AppPostMark', { student: target.student.id, lesson: lesson.id, value }, { mutation: true });
    } catch {
      refuse(t('failed'));
      return;
    } finally {
      giving = false;
    }
    const [error] = answer.postMark?.userErrors ?? [];
    const mark = answer.postMark?.mark;
    if (error || !mark) {
      refuse(error?.message ?? '');
      return;
    }
    const written = target.cells[column];
    written?.marks.push(mark);
    cell.textContent = cellText(written?.marks ?? [mark], written?.attendance ?? null);
    status.setAttribute('role', 'status');
    status.textContent = t('markGiven', mark.value, target.student.fullName);
    // The next student, as a paper journal is filled in down a column.
    if (row === at[0] && column === at[1]) focusCell(row + 1, column);
  }

  const table = h(
    'table',
    { class: 'journal', role: 'grid', 'aria-label': `${journal.schoolClass.name} · ${journal.subject.name}` },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t('student')),
        journal.lessons.map((lesson) => h('th', { scope: 'col', class: lesson.status === 'CANCELLED' ? 'cancelled' : null }, shortDay(day(lesson.date)))),
        h('th', { scope: 'col' }, t('average')),
      ),
    ),
    h('tbody', {}, rows),
  );
  table.addEventListener('keydown', (event) => {
    const moves = /** @type {Record<string, [number, number]>} */ ({
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    });
    const move = moves[event.key];
    const cell = grid[row]?.[column];
    if (move) {
      event.preventDefault();
      focusCell(row + move[0], column + move[1]);
    } else if (/^[1-5]$/.test(event.key) && cell) {
      event.preventDefault();
      pending = event.key;
      cell.setAttribute('data-pending', pending);
      status.setAttribute('role', 'status');
      status.textContent = t('markPending', pending);
    } else if (event.key === 'Enter' && pending) {
      event.preventDefault();
      void give();
    } else if (event.key === 'Escape' && cell) {
      pending = '';
      cell.removeAttribute('data-pending');
    }
  });
  table.addEventListener('click', (event) => {
    const cell = /** @type {HTMLElement} */ (event.target).closest('td[data-row]');
    if (cell instanceof HTMLElement) focusCell(Number(cell.dataset['row']), Number(cell.dataset['column']));
  });

  main.replaceChildren(
    h('div', { class: 'child-head' }, h('h1', { tabindex: '-1' }, `${journal.schoolClass.name} · ${journal.subject.name}`), h('a', { href: '#/journal', class: 'other' }, t('journals'))),
    h('h2', { class: 'range' }, t('termJournal', journal.term.number)),
    h('p', { class: 'hint', id: 'journal-keys' }, t('journalKeys')),
    h('div', { class: 'journal-scroll' }, table),
    status,
  );
  table.setAttribute('aria-describedby', 'journal-keys');
  const start = grid[row]?.[column];
  if (start) start.tabIndex = 0;
}

/** Moves the keyboard into the grid, at the cell it starts from. */
export function focusJournal() {
  /** @type {HTMLElement | null} */ (document.querySelector('.journal td[tabindex="0"]'))?.focus();
}
