// The teacher's class journal: a class's marks and absences for one subject over a term, a
// student a row and a lesson a column, filled in from the keyboard alone. Arrows move between
// cells; a digit from 1 to 5 is the mark, Enter gives it (a cell with a mark asks whether to
// correct it, with the reason the API keeps in its history); н/n is an absence, о/l lateness,
// п/p present again; Delete withdraws a mark with a reason. Up from the first row reaches the
// lessons' headers, where Enter opens the lesson's topic and homework. Colleagues' changes
// arrive live (`classJournalUpdates`) and the grid is read again around the focus.

import { run } from './api.js';
import { h } from './dom.js';
import { decimal, shortDay, t } from './i18n.js';
import { subscribe } from './live.js';
import { day } from './weeks.js';

/**
 * @typedef {import('./types.js').TeacherWeek} TeacherWeek
 * @typedef {import('./types.js').ClassJournal} ClassJournal
 * @typedef {import('./types.js').JournalMark} JournalMark
 * @typedef {import('./types.js').JournalCell} JournalCell
 * @typedef {import('./types.js').JournalLesson} JournalLesson
 * @typedef {import('./types.js').JournalUpdate} JournalUpdate
 * @typedef {import('./types.js').UserError} UserError
 * @typedef {{ userErrors: UserError[], mark?: { id: string } | null }} Payload what the
 *   journal's mutations answer: their errors, and the mark given or corrected if any
 */

const MUTATION = { mutation: true };

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
    h('p', {}, h('a', { href: '#/timetable', class: 'timetable-link' }, t('timetable'))),
    sorted.length
      ? h('ul', { class: 'children' }, sorted.map((pair) => h('li', {}, h('a', { class: 'card child', href: pair.href }, pair.label))))
      : h('p', {}, t('noJournals')),
  );
}

// The keys of absences: the Russian letters a paper journal uses, and the same keys on an
// English layout (н and о sit where y and j are, so n and l are accepted as the mnemonics).
const ABSENT_KEYS = ['н', 'n', 'Н', 'N'];
const LATE_KEYS = ['о', 'l', 'О', 'L'];
const PRESENT_KEYS = ['п', 'p', 'П', 'P'];

/** @param {JournalMark} mark whether it was corrected since it was given */
const corrected = (mark) => (mark.history ?? []).some((event) => event.action === 'CORRECT');

/**
 * The text of a cell: its marks, or the absence.
 * @param {JournalCell} cell
 */
function cellText(cell) {
  const values = cell.marks.map((mark) => String(mark.value)).join(' ');
  const attendance = cell.attendance;
  const absent = attendance ? (attendance.kind === 'ABSENT' ? t('absentShort') : t('lateShort')) : '';
  return [values, absent].filter(Boolean).join(' ');
}

/**
 * What a screen reader says of a cell, and the tooltip: the marks with their corrections.
 * @param {JournalCell} cell
 */
function cellDescription(cell) {
  const parts = cell.marks.map((mark) => {
    const last = [...(mark.history ?? [])].reverse().find((event) => event.action === 'CORRECT');
    return last ? t('markCorrectedFrom', mark.value, last.oldValue ?? '', last.reason) : String(mark.value);
  });
  const attendance = cell.attendance;
  if (attendance?.kind === 'ABSENT') parts.push(t('absent'));
  if (attendance?.kind === 'LATE') parts.push(t('late', attendance.minutesLate ?? ''));
  return parts.join('; ');
}

/** @param {string} iso @param {number} days */
function addDays(iso, days) {
  const date = day(iso);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * A modal dialog of the journal: native `<dialog>`, so the focus stays in it and Escape closes
 * it; the focus goes back where it was. `submit` returns an error to show, or null when done.
 * @param {{ title: string, fields: HTMLElement[], actions: { label: string, submit: () => Promise<string | null> }[] }} spec
 */
function openDialog(spec) {
  const back = /** @type {HTMLElement | null} */ (document.activeElement);
  const error = h('p', { class: 'alert', role: 'alert', hidden: true });
  const heading = h('h2', { id: 'journal-dialog-title' }, spec.title);
  let busy = false;
  const buttons = spec.actions.map((action, index) =>
    h('button', {
      type: index === 0 ? 'submit' : 'button',
      class: index === 0 ? 'primary' : null,
      onclick: async (event) => {
        event.preventDefault();
        if (busy) return;
        busy = true;
        const problem = await action.submit().finally(() => { busy = false; });
        if (problem === null) {
          dialog.close();
        } else {
          error.textContent = problem;
          error.hidden = false;
        }
      },
    }, action.label),
  );
  const form = h('form', { method: 'dialog' }, heading, spec.fields, error, h('div', { class: 'dialog-actions' }, buttons, h('button', { type: 'button', onclick: () => dialog.close() }, t('journalCancel'))));
  const dialog = h('dialog', { class: 'journal-dialog', 'aria-labelledby': 'journal-dialog-title' }, form);
  dialog.addEventListener('close', () => {
    dialog.remove();
    back?.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  /** @type {HTMLElement | null} */ (form.querySelector('input, textarea'))?.focus();
}

/**
 * A labelled field of a dialog.
 * @param {string} id @param {string} label @param {HTMLElement} control
 */
function field(id, label, control) {
  control.id = id;
  return h('p', { class: 'field' }, h('label', { for: id }, label), control);
}

/** @param {string} id */
const valueOf = (id) => /** @type {HTMLInputElement | null} */ (document.getElementById(id))?.value.trim() ?? '';

/** The live subscription of the journal on the screen; stopped when another screen opens. */
let stopLive = () => {};

/** Stops following the journal (another screen, or signing out). */
export function leaveJournal() {
  stopLive();
  stopLive = () => {};
}

/**
 * @param {HTMLElement} main
 * @param {string} classId
 * @param {string} subjectId
 * @param {string | null} termId null for the current term
 */
export async function showJournal(main, classId, subjectId, termId) {
  leaveJournal();
  /** @returns {Promise<ClassJournal>} */
  const load = async () => {
    /** @type {{ classJournal: ClassJournal | null }} */
    const data = await run('AppClassJournal', { class: classId, subject: subjectId, term: termId });
    if (!data.classJournal) throw new Error('NOT_FOUND');
    return data.classJournal;
  };
  let journal = await load();
  const status = h('p', { class: 'journal-status', role: 'status' });
  const lessons = journal.lessons;
  /** @type {HTMLTableCellElement[][]} */
  const grid = [];
  /** @type {HTMLTableCellElement[]} */
  const averages = [];
  /** @type {HTMLButtonElement[]} */
  const heads = lessons.map((lesson, c) =>
    h('button', { type: 'button', class: 'lesson-head', tabindex: '-1', 'data-column': String(c), onclick: () => openLesson(c) }),
  );
  const rows = journal.rows.map((line, r) => {
    grid[r] = [];
    const average = h('td', { class: 'average' });
    averages.push(average);
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, line.student.fullName),
      lessons.map((lesson, c) => {
        const td = h('td', {
          tabindex: '-1',
          role: 'gridcell',
          'data-row': String(r),
          'data-column': String(c),
          class: lesson.status === 'CANCELLED' ? 'cancelled' : null,
        });
        grid[r]?.push(td);
        return td;
      }),
      average,
    );
  });

  /** Writes the journal's answer into the grid; the cells that changed are returned. */
  function fill() {
    /** @type {HTMLElement[]} */
    const changed = [];
    journal.rows.forEach((line, r) => {
      line.cells.forEach((cell, c) => {
        const td = grid[r]?.[c];
        if (!td) return;
        const text = cellText(cell);
        if (td.textContent !== text) changed.push(td);
        td.textContent = text;
        td.classList.toggle('corrected', cell.marks.some(corrected));
        const description = cellDescription(cell);
        if (description) td.title = description;
        else td.removeAttribute('title');
      });
      const average = averages[r];
      if (average) average.textContent = line.average.average === null ? '—' : decimal(line.average.average);
    });
    journal.lessons.forEach((lesson, c) => {
      const head = heads[c];
      if (!head) return;
      const homework = lesson.homework?.[0];
      head.replaceChildren(shortDay(day(lesson.date)), lesson.topic || homework ? h('span', { class: 'lesson-noted', 'aria-hidden': 'true' }, '•') : '');
      head.setAttribute('aria-label', t('lessonHead', shortDay(day(lesson.date)), lesson.period, lesson.topic || t('noTopic'), homework ? homework.text : t('noHomework')));
      head.title = [lesson.topic, homework?.text].filter(Boolean).join(' — ');
    });
    return changed;
  }

  /** Reads the journal again (after a change here or a colleague's) and fills the grid. */
  async function refresh() {
    const fresh = await load();
    // The columns and lines are the grid's; a lesson added or a student enrolled meanwhile
    // needs the screen drawn again.
    if (fresh.lessons.length !== lessons.length || fresh.rows.length !== journal.rows.length) {
      journal = fresh;
      return null;
    }
    journal = fresh;
    return fill();
  }

  let row = 0;
  // Start where the teacher left off: the last lesson with anything written in it.
  let column = 0;
  lessons.forEach((_, c) => {
    if (journal.rows.some((line) => (line.cells[c]?.marks.length ?? 0) > 0)) column = c;
  });
  /** @type {string} */
  let pending = '';

  /** The element that has the grid's focus: a cell, or a lesson's header (row -1). */
  const at = (/** @type {number} */ r, /** @type {number} */ c) => (r < 0 ? heads[c] : grid[r]?.[c]);

  /** @param {number} r @param {number} c */
  function focusCell(r, c) {
    const previous = at(row, column);
    if (previous) {
      previous.tabIndex = -1;
      previous.removeAttribute('data-pending');
    }
    pending = '';
    row = Math.min(Math.max(r, -1), grid.length - 1);
    column = Math.min(Math.max(c, 0), lessons.length - 1);
    const target = at(row, column);
    if (!target) return;
    target.tabIndex = 0;
    target.focus();
    target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  /** @param {string} message @param {boolean} [alert] */
  function say(message, alert = false) {
    status.setAttribute('role', alert ? 'alert' : 'status');
    status.textContent = message;
  }

  /**
   * Sends a mutation and reads the journal again; the first user error's message, or null.
   * @param {() => Promise<Record<string, Payload | null>>} send the mutation, by `run`
   * @returns {Promise<string | null>}
   */
  async function change(send) {
    own += 1;
    try {
      let answer;
      try {
        answer = await send();
      } catch {
        return t('failed');
      }
      const payload = Object.values(answer)[0];
      const [error] = payload?.userErrors ?? [];
      if (error) return error.message;
      if (!payload) return t('failed');
      if (payload.mark) mine.add(payload.mark.id);
      const changed = await refresh().catch(() => []);
      if (changed === null) void redraw();
      return null;
    } finally {
      own -= 1;
    }
  }

  // This screen's own changes come back over the live connection too: they are neither
  // outlined nor announced as a colleague's. `own` counts the changes on their way.
  let own = 0;
  /** @type {Set<string>} marks given or corrected from this screen */
  const mine = new Set();

  // One change at a time from the grid: a second Enter while the first is on its way does
  // nothing more.
  let giving = false;

  /** @param {() => Promise<string | null>} work @param {string} done */
  async function fromGrid(work, done) {
    if (giving) return;
    giving = true;
    const [r, c] = [row, column];
    const error = await work().finally(() => { giving = false; });
    if (error) {
      say(t('changeRefused', error), true);
      return;
    }
    say(done);
    // The next student, as a paper journal is filled in down a column.
    if (row === r && column === c) focusCell(row + 1, column);
  }

  function give() {
    const line = journal.rows[row];
    const lesson = journal.lessons[column];
    const cell = line?.cells[column];
    if (!line || !lesson || !cell || !pending) return;
    const value = Number(pending);
    const name = line.student.fullName;
    const last = cell.marks[cell.marks.length - 1];
    if (!last) {
      void fromGrid(() => change(() => run('AppPostMark', { student: line.student.id, lesson: lesson.id, value }, MUTATION)), t('markGiven', value, name));
      return;
    }
    // A cell with a mark: correcting it is the usual meaning, and needs a reason; a second
    // mark for the same lesson (two answers) is the other way out.
    pending = '';
    grid[row]?.[column]?.removeAttribute('data-pending');
    const reason = h('input', { type: 'text', required: true, maxlength: '500', autocomplete: 'off' });
    openDialog({
      title: t('correctTitle', name, last.value, value),
      fields: [field('journal-reason', t('journalReason'), reason)],
      actions: [
        {
          label: t('journalCorrect'),
          submit: async () => {
            const why = valueOf('journal-reason');
            if (!why) return t('reasonRequired');
            const error = await change(() => run('AppCorrectMark', { mark: last.id, value, reason: why }, MUTATION));
            if (!error) say(t('markCorrected', last.value, value, name));
            return error;
          },
        },
        {
          label: t('addMark'),
          submit: async () => {
            const error = await change(() => run('AppPostMark', { student: line.student.id, lesson: lesson.id, value }, MUTATION));
            if (!error) say(t('markGiven', value, name));
            return error;
          },
        },
      ],
    });
  }

  function withdraw() {
    const line = journal.rows[row];
    const cell = line?.cells[column];
    const last = cell?.marks[cell.marks.length - 1];
    if (!line || !last) return;
    const reason = h('input', { type: 'text', required: true, maxlength: '500', autocomplete: 'off' });
    openDialog({
      title: t('deleteTitle', last.value, line.student.fullName),
      fields: [field('journal-reason', t('journalReason'), reason)],
      actions: [
        {
          label: t('deleteMark'),
          submit: async () => {
            const why = valueOf('journal-reason');
            if (!why) return t('reasonRequired');
            const error = await change(() => run('AppDeleteMark', { mark: last.id, reason: why }, MUTATION));
            if (!error) say(t('markDeleted', last.value, line.student.fullName));
            return error;
          },
        },
      ],
    });
  }

  /** @param {'PRESENT' | 'ABSENT' | 'LATE'} presence */
  function attend(presence) {
    const line = journal.rows[row];
    const lesson = journal.lessons[column];
    if (!line || !lesson) return;
    const name = line.student.fullName;
    /** @param {number | null} minutes */
    const send = (minutes) => change(() => run('AppRecordAttendance', { lesson: lesson.id, student: line.student.id, presence, minutesLate: minutes }, MUTATION));
    if (presence !== 'LATE') {
      void fromGrid(() => send(null), t(presence === 'ABSENT' ? 'absenceRecorded' : 'presenceRecorded', name));
      return;
    }
    const minutes = h('input', { type: 'number', min: '1', max: '45', value: String(journal.rows[row]?.cells[column]?.attendance?.minutesLate ?? 5), required: true });
    openDialog({
      title: t('lateTitle', name),
      fields: [field('journal-minutes', t('minutesLate'), minutes)],
      actions: [
        {
          label: t('journalSave'),
          submit: async () => {
            const error = await send(Number(valueOf('journal-minutes')));
            if (!error) say(t('lateRecorded', name, valueOf('journal-minutes')));
            return error;
          },
        },
      ],
    });
  }

  /** The lesson's topic and homework, for the column `c`. @param {number} c */
  function openLesson(c) {
    const lesson = journal.lessons[c];
    if (!lesson) return;
    focusCell(-1, c);
    const homework = lesson.homework?.[0];
    // Due by default at the next lesson of the subject, as homework usually is.
    const next = journal.lessons.slice(c + 1).find((other) => other.date > lesson.date && other.status !== 'CANCELLED');
    const topic = h('input', { type: 'text', maxlength: '500', value: lesson.topic, autocomplete: 'off' });
    const text = h('textarea', { rows: '3', maxlength: '4000' }, homework?.text ?? '');
    const due = h('input', { type: 'date', value: homework?.dueOn ?? next?.date ?? addDays(lesson.date, 7), min: addDays(lesson.date, 1), required: true });
    openDialog({
      title: t('lessonTitle', shortDay(day(lesson.date)), lesson.period),
      fields: [
        field('journal-topic', t('topic'), topic),
        field('journal-homework', t('homework'), text),
        field('journal-due', t('dueOn'), due),
      ],
      actions: [
        {
          label: t('journalSave'),
          submit: async () => {
            const newTopic = valueOf('journal-topic');
            const newText = valueOf('journal-homework');
            const dueOn = valueOf('journal-due');
            if (newTopic !== lesson.topic) {
              const error = await change(() => run('AppSetLessonTopic', { lesson: lesson.id, topic: newTopic }, MUTATION));
              if (error) return error;
            }
            if (newText && (newText !== homework?.text || dueOn !== homework?.dueOn)) {
              const error = homework
                ? await change(() => run('AppEditHomework', { homework: homework.id, text: newText, dueOn }, MUTATION))
                : await change(() => run('AppSetHomework', { lesson: lesson.id, text: newText, dueOn }, MUTATION));
              if (error) return error;
            }
            say(t('lessonSaved', shortDay(day(lesson.date))));
            return null;
          },
        },
      ],
    });
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
        lessons.map((lesson, c) => h('th', { scope: 'col', class: lesson.status === 'CANCELLED' ? 'cancelled' : null }, heads[c])),
        h('th', { scope: 'col' }, t('average')),
      ),
    ),
    h('tbody', {}, rows),
  );
  table.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const moves = /** @type {Record<string, [number, number]>} */ ({
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    });
    const move = moves[event.key];
    const cell = row >= 0 ? grid[row]?.[column] : null;
    if (move) {
      event.preventDefault();
      focusCell(row + move[0], column + move[1]);
    } else if (!cell) {
      // A lesson's header: its button opens the lesson with Enter or Space.
    } else if (/^[1-5]$/.test(event.key)) {
      event.preventDefault();
      pending = event.key;
      cell.setAttribute('data-pending', pending);
      say(t('markPending', pending));
    } else if (event.key === 'Enter' && pending) {
      event.preventDefault();
      give();
    } else if (event.key === 'Escape') {
      pending = '';
      cell.removeAttribute('data-pending');
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      withdraw();
    } else if (ABSENT_KEYS.includes(event.key)) {
      event.preventDefault();
      attend('ABSENT');
    } else if (LATE_KEYS.includes(event.key)) {
      event.preventDefault();
      attend('LATE');
    } else if (PRESENT_KEYS.includes(event.key)) {
      event.preventDefault();
      attend('PRESENT');
    }
  });
  table.addEventListener('click', (event) => {
    const cell = /** @type {HTMLElement} */ (event.target).closest('td[data-row]');
    if (cell instanceof HTMLElement) focusCell(Number(cell.dataset['row']), Number(cell.dataset['column']));
  });

  const picker = h(
    'select',
    {
      id: 'journal-term',
      onchange: (event) => {
        const chosen = /** @type {HTMLSelectElement} */ (event.target).value;
        location.hash = `#/journal/${encodeURIComponent(classId)}/${encodeURIComponent(subjectId)}/${encodeURIComponent(chosen)}`;
      },
    },
    journal.terms.map((term) => h('option', { value: term.id, selected: term.id === journal.term.id }, t('termJournal', term.number))),
  );
  const legend = h(
    'dl',
    { class: 'journal-legend', id: 'journal-keys' },
    [
      ['←↑→↓', t('keyMove')],
      ['1–5, Enter', t('keyMark')],
      [`${t('absentKey')}`, t('keyAbsent')],
      [`${t('lateKey')}`, t('keyLate')],
      [`${t('presentKey')}`, t('keyPresent')],
      ['Delete', t('keyDelete')],
      ['↑ Enter', t('keyLesson')],
    ].map(([keys, what]) => h('div', {}, h('dt', {}, h('kbd', {}, keys ?? '')), h('dd', {}, what ?? ''))),
  );

  /** The screen again from the journal's answer, the focus where it was. */
  async function redraw() {
    const [r, c] = [row, column];
    await showJournal(main, classId, subjectId, termId);
    /** @type {HTMLElement | null} */ (main.querySelector(`.journal td[data-row="${r}"][data-column="${c}"]`))?.focus();
  }

  main.replaceChildren(
    h('div', { class: 'child-head' }, h('h1', { tabindex: '-1' }, `${journal.schoolClass.name} · ${journal.subject.name}`), h('a', { href: '#/journal', class: 'other' }, t('journals'))),
    h('p', { class: 'journal-term' }, h('label', { for: 'journal-term' }, t('journalTerm')), picker),
    legend,
    h('div', { class: 'journal-scroll' }, table),
    status,
  );
  fill();
  table.setAttribute('aria-describedby', 'journal-keys');
  const start = grid[row]?.[column];
  if (start) start.tabIndex = 0;

  // Colleagues' changes (and this teacher's in another tab): read the journal again, a burst
  // of changes (a whole class's register) once.
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let soon;
  /** @type {JournalUpdate[]} updates not yet shown */
  let arrived = [];
  const again = () => {
    clearTimeout(soon);
    soon = setTimeout(async () => {
      // A change of this screen still on its way: its own reading comes first.
      if (own > 0) {
        again();
        return;
      }
      const updates = arrived;
      arrived = [];
      const changed = await refresh().catch(() => []);
      if (changed === null) {
        await redraw();
        return;
      }
      for (const td of changed) {
        td.classList.add('arrived');
        setTimeout(() => td.classList.remove('arrived'), 4000);
      }
      const news = updates.filter(
        (update) => update.mark && !mine.delete(update.mark.id) && (update.kind === 'MARK_POSTED' || update.kind === 'MARK_CORRECTED'),
      );
      const last = news[news.length - 1];
      if (last?.mark && last.student) {
        say(t(last.kind === 'MARK_POSTED' ? 'liveJournalMark' : 'liveJournalCorrected', last.mark.value, last.student.fullName));
      }
    }, 200);
  };
  stopLive = subscribe('AppClassJournalUpdates', { class: classId, subject: subjectId }, {
    next: (/** @type {{ classJournalUpdates: JournalUpdate }} */ data) => {
      arrived.push(data.classJournalUpdates);
      again();
    },
    resumed: again,
  });
  window.addEventListener('hashchange', leaveJournal, { once: true });
}

/** Moves the keyboard into the grid, at the cell it starts from. */
export function focusJournal() {
  /** @type {HTMLElement | null} */ (document.querySelector('.journal td[tabindex="0"]'))?.focus();
}
