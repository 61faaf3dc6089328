// Every string the app shows, Russian first and English, in one place: a region adds or
// changes words here. The chosen language is kept in the browser.

const STRINGS = {
  ru: {
    appName: 'Электронный дневник',
    skip: 'К содержанию',
    otherLanguage: 'English',
    signIn: 'Вход',
    login: 'Логин',
    password: 'Пароль',
    signInButton: 'Войти',
    signOut: 'Выйти',
    loading: 'Загрузка…',
    badCredentials: 'Неверный логин или пароль.',
    tooManyAttempts: 'Слишком много попыток. Попробуйте через {0} с.',
    failed: 'Не удалось загрузить. Проверьте соединение и попробуйте ещё раз.',
    retry: 'Повторить',
    mustChangePassword: 'Смените временный пароль, выданный школой, затем войдите снова.',
    pickChild: 'Выберите ребёнка',
    noChildren: 'К этой учётной записи не привязан ни один ученик.',
    otherChild: 'Другой ребёнок',
    sections: 'Разделы',
    week: 'Неделя',
    marks: 'Оценки',
    weeks: 'Недели',
    previousWeek: '← Предыдущая',
    nextWeek: 'Следующая →',
    noLessons: 'Уроков нет',
    noSchoolDays: 'На этой неделе нет учебных дней.',
    lesson: 'Урок {0}',
    room: 'каб. {0}',
    roomChange: 'Другой кабинет',
    roomWas: 'по расписанию — {0}',
    cancelled: 'Урок отменён',
    substitution: 'Замена',
    substitute: 'ведёт {0}',
    changed: 'Изменение',
    topic: 'Тема',
    homework: 'Домашнее задание',
    planned: 'Запланировано',
    absent: 'Отсутствовал(а)',
    late: 'Опоздание на {0} мин',
    excused: 'по уважительной причине',
    weight: 'вес {0}',
    markLabel: 'Оценка {0}, вес {1}, {2}',
    otherMarks: 'Оценки вне уроков',
    termMarks: 'Оценки за {0} четверть',
    average: 'Средний балл',
    forecast: 'Прогноз',
    noMarks: 'Оценок пока нет',
    subjects: 'Предметы',
    journals: 'Журналы',
    noJournals: 'На этой неделе у вас нет уроков.',
    student: 'Ученик',
    termJournal: '{0} четверть',
    markPending: 'Оценка {0}: Enter, чтобы поставить',
    markGiven: 'Поставлена {0}: {1}',
    liveMark: 'Новая оценка {0}: {1}',
    liveMarkCorrected: 'Оценка исправлена на {0}: {1}',
    liveChange: 'Неделя обновлена: {0}',
    offlineAsOf: 'Нет связи. Неделя показана по состоянию на {0}, только для чтения.',
    offlineNothing: 'Нет связи, и сохранённой недели в этом браузере нет. Откройте неделю, когда связь появится.',
    absentShort: 'н',
    lateShort: 'оп',
    // The class journal in depth: absences, corrections, lessons, terms, live updates.
    journalTerm: 'Четверть',
    keyMove: 'перейти к ячейке',
    keyMark: 'оценка; в ячейке с оценкой — исправить её с причиной',
    absentKey: 'н',
    keyAbsent: 'отсутствовал(а)',
    lateKey: 'о',
    keyLate: 'опоздал(а)',
    presentKey: 'п',
    keyPresent: 'присутствовал(а): снять «н» или опоздание',
    keyDelete: 'удалить оценку с причиной',
    keyLesson: 'выше первой строки — тема и домашнее задание урока',
    journalCancel: 'Отмена',
    journalSave: 'Сохранить',
    journalReason: 'Причина',
    reasonRequired: 'Укажите причину: она остаётся в истории оценки.',
    journalCorrect: 'Исправить',
    addMark: 'Поставить ещё одну',
    correctTitle: '{0}: исправить {1} на {2}?',
    markCorrected: 'Исправлена {0} на {1}: {2}',
    markCorrectedFrom: '{0} (исправлена с {1}: {2})',
    deleteTitle: 'Удалить оценку {0}: {1}?',
    deleteMark: 'Удалить',
    markDeleted: 'Удалена оценка {0}: {1}',
    absenceRecorded: 'Отмечено отсутствие: {0}',
    presenceRecorded: 'Присутствовал(а): {0}',
    lateTitle: 'Опоздание: {0}',
    minutesLate: 'На сколько минут (1–45)',
    lateRecorded: 'Опоздание: {0}, {1} мин',
    lessonTitle: 'Урок {0}, {1}-й',
    lessonHead: 'Урок {0}, {1}-й. Тема: {2}. Домашнее задание: {3}',
    noTopic: 'не указана',
    noHomework: 'не задано',
    dueOn: 'К какому дню',
    lessonSaved: 'Урок {0} сохранён',
    changeRefused: 'Не сохранено: {0}',
    liveJournalMark: 'Коллега поставил(а) {0}: {1}',
    liveJournalCorrected: 'Коллега исправил(а) оценку на {0}: {1}',
    kind: {
      ORAL: 'устный ответ',
      CLASSWORK: 'работа на уроке',
      HOMEWORK: 'домашняя работа',
      QUIZ: 'самостоятельная',
      DICTATION: 'диктант',
      LAB: 'лабораторная',
      ESSAY: 'сочинение',
      TEST: 'контрольная',
      EXAM: 'экзамен',
    },
  },
  en: {
    appName: 'School diary',
    skip: 'Skip to content',
    otherLanguage: 'Русский',
    signIn: 'Sign in',
    login: 'Login',
    password: 'Password',
    signInButton: 'Sign in',
    signOut: 'Sign out',
    loading: 'Loading…',
    badCredentials: 'Wrong login or password.',
    tooManyAttempts: 'Too many attempts. Try again in {0} s.',
    failed: 'Could not load. Check the connection and try again.',
    retry: 'Try again',
    mustChangePassword: 'Change the temporary password the school gave you, then sign in again.',
    pickChild: 'Choose a child',
    noChildren: 'No student is linked to this account.',
    otherChild: 'Another child',
    sections: 'Sections',
    week: 'Week',
    marks: 'Marks',
    weeks: 'Weeks',
    previousWeek: '← Previous',
    nextWeek: 'Next →',
    noLessons: 'No lessons',
    noSchoolDays: 'No school days this week.',
    lesson: 'Lesson {0}',
    room: 'room {0}',
    roomChange: 'Room changed',
    roomWas: 'timetabled in {0}',
    cancelled: 'Lesson cancelled',
    substitution: 'Substitute teacher',
    substitute: 'taught by {0}',
    changed: 'Changed',
    topic: 'Topic',
    homework: 'Homework',
    planned: 'Planned',
    absent: 'Absent',
    late: 'Late by {0} min',
    excused: 'excused',
    weight: 'weight {0}',
    markLabel: 'Mark {0}, weight {1}, {2}',
    otherMarks: 'Marks outside lessons',
    termMarks: 'Marks of term {0}',
    average: 'Average',
    forecast: 'Forecast',
    noMarks: 'No marks yet',
    subjects: 'Subjects',
    journals: 'Journals',
    noJournals: 'You have no lessons this week.',
    student: 'Student',
    termJournal: 'Term {0}',
    markPending: 'Mark {0}: Enter to give it',
    markGiven: 'Given {0}: {1}',
    liveMark: 'New mark {0}: {1}',
    liveMarkCorrected: 'Mark corrected to {0}: {1}',
    liveChange: 'Week updated: {0}',
    offlineAsOf: 'Offline. The week as of {0}, read-only.',
    offlineNothing: 'Offline, and no week is saved in this browser. Open a week once the connection is back.',
    absentShort: 'abs',
    lateShort: 'late',
    // The class journal in depth: absences, corrections, lessons, terms, live updates.
    journalTerm: 'Term',
    keyMove: 'move between cells',
    keyMark: 'a mark; in a cell with a mark, correct it with a reason',
    absentKey: 'n',
    keyAbsent: 'absent',
    lateKey: 'l',
    keyLate: 'late',
    presentKey: 'p',
    keyPresent: 'present: clear an absence or lateness',
    keyDelete: 'withdraw a mark with a reason',
    keyLesson: 'above the first row: the lesson’s topic and homework',
    journalCancel: 'Cancel',
    journalSave: 'Save',
    journalReason: 'Reason',
    reasonRequired: 'Give a reason: it stays in the mark’s history.',
    journalCorrect: 'Correct',
    addMark: 'Give another mark',
    correctTitle: '{0}: correct {1} to {2}?',
    markCorrected: 'Corrected {0} to {1}: {2}',
    markCorrectedFrom: '{0} (corrected from {1}: {2})',
    deleteTitle: 'Withdraw the mark {0}: {1}?',
    deleteMark: 'Withdraw',
    markDeleted: 'Withdrew the mark {0}: {1}',
    absenceRecorded: 'Absent: {0}',
    presenceRecorded: 'Present: {0}',
    lateTitle: 'Late: {0}',
    minutesLate: 'Minutes late (1–45)',
    lateRecorded: 'Late: {0}, {1} min',
    lessonTitle: 'Lesson {0}, period {1}',
    lessonHead: 'Lesson {0}, period {1}. Topic: {2}. Homework: {3}',
    noTopic: 'none',
    noHomework: 'none',
    dueOn: 'Due on',
    lessonSaved: 'Lesson {0} saved',
    changeRefused: 'Not saved: {0}',
    liveJournalMark: 'A colleague gave {0}: {1}',
    liveJournalCorrected: 'A colleague corrected a mark to {0}: {1}',
    kind: {
      ORAL: 'oral answer',
      CLASSWORK: 'classwork',
      HOMEWORK: 'homework',
      QUIZ: 'quiz',
      DICTATION: 'dictation',
      LAB: 'lab work',
      ESSAY: 'essay',
      TEST: 'test',
      EXAM: 'exam',
    },
  },
};

/** @typedef {keyof typeof STRINGS} Language */
/** @typedef {Exclude<keyof typeof STRINGS.ru, 'kind'>} Key */

const KEPT = 'ediary.language';

/** @returns {Language} */
function chosen() {
  const kept = localStorage.getItem(KEPT);
  return kept === 'en' || kept === 'ru' ? kept : 'ru';
}

let current = chosen();

/** @returns {Language} */
export function language() {
  return current;
}

/** @param {Language} next */
export function setLanguage(next) {
  current = next;
  localStorage.setItem(KEPT, next);
  document.documentElement.lang = next;
}

/** The other language than the current one, which the switch offers. */
export function otherLanguage() {
  return current === 'ru' ? 'en' : 'ru';
}

/**
 * A string of the current language, `{0}`, `{1}`... filled from `values`.
 * @param {Key} key
 * @param {...(string | number)} values
 * @returns {string}
 */
export function t(key, ...values) {
  return STRINGS[current][key].replace(/\{(\d)\}/g, (_, n) => String(values[Number(n)] ?? ''));
}

/**
 * The name of a kind of work (`WorkKind`).
 * @param {string} kind
 * @returns {string}
 */
export function kindName(kind) {
  const names = STRINGS[current].kind;
  return kind in names ? names[/** @type {keyof typeof names} */ (kind)] : kind.toLowerCase();
}

/**
 * A day as families read it: "четверг, 26 ноября".
 * @param {Date} date
 * @returns {string}
 */
export function dayName(date) {
  return date.toLocaleDateString(current, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  });
}

/**
 * A moment in this device's time: "26 ноября, 21:40".
 * @param {Date} date
 * @returns {string}
 */
export function dateTime(date) {
  return date.toLocaleString(current, { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });
}

/**
 * A short day: "26 нояб.".
 * @param {Date} date
 * @returns {string}
 */
export function shortDay(date) {
  return date.toLocaleDateString(current, { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/**
 * An average with two decimals, in the language's own way ("4,33").
 * @param {number} value
 * @returns {string}
 */
export function decimal(value) {
  return value.toLocaleString(current, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
