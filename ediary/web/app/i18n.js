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
    journalKeys: 'Стрелки — перейти к ячейке, цифра 1–5 — оценка, Enter — поставить, Esc — отменить.',
    markPending: 'Оценка {0}: Enter, чтобы поставить',
    markGiven: 'Поставлена {0}: {1}',
    markRefused: 'Оценка не поставлена: {0}',
    liveMark: 'Новая оценка {0}: {1}',
    liveMarkCorrected: 'Оценка исправлена на {0}: {1}',
    liveChange: 'Неделя обновлена: {0}',
    offlineAsOf: 'Нет связи. Неделя показана по состоянию на {0}, только для чтения.',
    offlineNothing: 'Нет связи, и сохранённой недели в этом браузере нет. Откройте неделю, когда связь появится.',
    absentShort: 'н',
    lateShort: 'оп',
    // What is needed for a term mark (marks by subject) and the progress picture.
    progress: 'Успеваемость',
    target: 'Оценка за четверть, к которой идём',
    needFor: 'Что нужно для {0}',
    needGiven: 'Оценка за четверть уже выставлена: {0}.',
    needReached: '{0} уже есть: средний балл {1}.',
    needPlans: 'Для {0} нужно: {1}.',
    needOr: ' или ',
    needWeighted: '{0} за {1} (вес {2})',
    needWeight: '{0} за работу с весом {1}',
    needTooFew: 'Для {0} не хватит оставшихся уроков: нужно {1}, а уроков осталось {2}.',
    needNever: '{0} в этой четверти уже не получить.',
    needLessonsLeft: 'Уроков по предмету до конца четверти: {0}.',
    needWork: 'Объявленные работы',
    needOnWork: 'нужно не ниже {0}',
    needOnWorkNone: 'даже {0} не хватит',
    needOnAllWork: 'Если за все объявленные работы получить не ниже {0}, будет {1}.',
    progressTitle: 'Успеваемость за {0} четверть',
    weeksLeft: 'До конца четверти {0}.',
    termOver: 'Четверть закончилась.',
    legend: 'Как читать графики',
    legendChild: 'средний балл к концу каждой недели',
    legendClass: 'средний балл класса сейчас',
    legendAhead: 'недели до конца четверти',
    weeksShort: 'ещё {0} нед.',
    classAverage: 'Класс',
    classHidden: 'Средний балл класса школа семьям не показывает.',
    chartOf: 'График: {0}',
    chartDesc: 'Средний балл к концу недели: {0}.',
    chartClass: 'Средний балл класса: {0}.',
    noProgress: 'В этой четверти оценок пока нет.',
    chartPicture: 'Все графики одной картинкой (SVG)',
    counts: 'одна|две|три|четыре|пять|шесть|семь|восемь|девять|десять',
    weekForms: 'неделя|недели|недель',
    markWords: {
      5: 'пятёрка|пятёрки|пятёрок|пятёрки|пятёрку',
      4: 'четвёрка|четвёрки|четвёрок|четвёрки|четвёрку',
      3: 'тройка|тройки|троек|тройки|тройку',
      2: 'двойка|двойки|двоек|двойки|двойку',
      1: 'единица|единицы|единиц|единицы|единицу',
    },
    workFor: {
      ORAL: 'устный ответ',
      CLASSWORK: 'работу на уроке',
      HOMEWORK: 'домашнюю работу',
      QUIZ: 'самостоятельную',
      DICTATION: 'диктант',
      LAB: 'лабораторную',
      ESSAY: 'сочинение',
      TEST: 'контрольную',
      EXAM: 'экзамен',
    },
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
    journalKeys: 'Arrows move between cells, a digit 1–5 is the mark, Enter gives it, Esc drops it.',
    markPending: 'Mark {0}: Enter to give it',
    markGiven: 'Given {0}: {1}',
    markRefused: 'Mark not given: {0}',
    liveMark: 'New mark {0}: {1}',
    liveMarkCorrected: 'Mark corrected to {0}: {1}',
    liveChange: 'Week updated: {0}',
    offlineAsOf: 'Offline. The week as of {0}, read-only.',
    offlineNothing: 'Offline, and no week is saved in this browser. Open a week once the connection is back.',
    absentShort: 'abs',
    lateShort: 'late',
    // What is needed for a term mark (marks by subject) and the progress picture.
    progress: 'Progress',
    target: 'Term mark to aim for',
    needFor: 'What is needed for {0}',
    needGiven: 'The term mark is given: {0}.',
    needReached: '{0} is already there: the average is {1}.',
    needPlans: 'For {0} you need: {1}.',
    needOr: ', or ',
    needWeighted: '{0} on a {1} (weight {2})',
    needWeight: '{0} on work of weight {1}',
    needTooFew: 'Not enough lessons left for {0}: it takes {1}, and {2} lessons are left.',
    needNever: '{0} is out of reach this term.',
    needLessonsLeft: 'Lessons of the subject left this term: {0}.',
    needWork: 'Announced work',
    needOnWork: 'needs at least {0}',
    needOnWorkNone: 'not even {0} would do',
    needOnAllWork: 'With at least {0} on all the announced work, the term mark is {1}.',
    progressTitle: 'Progress in term {0}',
    weeksLeft: '{0} left in the term.',
    termOver: 'The term is over.',
    legend: 'How to read the charts',
    legendChild: 'the average at the end of each week',
    legendClass: "the class's average now",
    legendAhead: 'the weeks left in the term',
    weeksShort: '{0} wk left',
    classAverage: 'Class',
    classHidden: 'The school does not show the class average to families.',
    chartOf: 'Chart: {0}',
    chartDesc: 'The average at the end of each week: {0}.',
    chartClass: "The class's average: {0}.",
    noProgress: 'No marks this term yet.',
    chartPicture: 'All the charts as one picture (SVG)',
    counts: 'one|two|three|four|five|six|seven|eight|nine|ten',
    weekForms: 'week|weeks|weeks',
    markWords: {
      5: '5|5s|5s|a 5|a 5',
      4: '4|4s|4s|a 4|a 4',
      3: '3|3s|3s|a 3|a 3',
      2: '2|2s|2s|a 2|a 2',
      1: '1|1s|1s|a 1|a 1',
    },
    workFor: {
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
/** @typedef {Exclude<keyof typeof STRINGS.ru, 'kind' | 'markWords' | 'workFor'>} Key */

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

// The words of "what is needed for a mark": numbers and marks as a family says them.

/**
 * A count of things, in words up to ten ("две", "two"), else in digits.
 * @param {number} count
 * @returns {string}
 */
export function countWord(count) {
  return STRINGS[current].counts.split('|')[count - 1] ?? String(count);
}

/**
 * The form of a noun that goes with a number: forms are "one|few|many" ("неделя|недели|недель").
 * @param {string} forms
 * @param {number} count
 * @returns {string}
 */
export function plural(forms, count) {
  const [one = '', few = one, many = few] = forms.split('|');
  const rule = new Intl.PluralRules(current).select(count);
  return rule === 'one' ? one : rule === 'few' ? few : many;
}

/**
 * A mark as a word: `count` of them ("две пятёрки", "two 5s"), or alone in a case: 'of' as
 * in "для пятёрки"/"for a 5", 'object' as in "пятёрку не получить", 'name' as in "пятёрка".
 * @param {number} value
 * @param {number | 'of' | 'object' | 'name'} how
 * @returns {string}
 */
export function markWord(value, how) {
  const words = STRINGS[current].markWords;
  const forms = value in words ? words[/** @type {keyof typeof words} */ (value)] : `${value}|${value}|${value}|${value}|${value}`;
  const [name = '', , , of = name, object = name] = forms.split('|');
  if (how === 'name') return name;
  if (how === 'of') return of;
  if (how === 'object') return object;
  return `${countWord(how)} ${plural(forms.split('|').slice(0, 3).join('|'), how)}`;
}

/**
 * A kind of work as the object of "за" ("за контрольную", "on a test").
 * @param {string} kind
 * @returns {string}
 */
export function workFor(kind) {
  const names = STRINGS[current].workFor;
  return kind in names ? names[/** @type {keyof typeof names} */ (kind)] : kindName(kind);
}

/**
 * A sentence's first letter in capitals ("Пятёрка уже есть", "A 5 is already there").
 * @param {string} text
 * @returns {string}
 */
export function capital(text) {
  return text.charAt(0).toLocaleUpperCase(current) + text.slice(1);
}
