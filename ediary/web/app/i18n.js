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
    // A child's settings: notifications, the calendar feed; the week's printable copy.
    settings: 'Настройки',
    printWeek: 'Печать / PDF',
    notifications: 'Уведомления',
    notificationsAbout: 'О новых оценках и пропусках ({0}) школа сообщает вам на e-mail, по SMS и в другие каналы, которые в ней подключены.',
    notifyHow: 'Когда присылать',
    modeInstant: 'Сразу',
    modeDigest: 'Раз в день, одной сводкой',
    modeOff: 'Не присылать',
    digestHour: 'Время сводки',
    quietHours: 'Тихие часы',
    quietHint: 'В тихие часы сообщения не приходят: их пришлют, когда тихие часы закончатся.',
    quietFrom: 'С',
    quietTo: 'до',
    savedInstant: 'Сохранено: сообщения приходят сразу.',
    savedInstantQuiet: 'Сохранено: сообщения приходят сразу, кроме тихих часов {0}–{1}.',
    savedDigest: 'Сохранено: сводка раз в день в {0}.',
    savedOff: 'Сохранено: сообщения не приходят.',
    notSaved: 'Не сохранено: {0}',
    calendarFeed: 'Календарь',
    calendarAbout: 'Ссылка добавляет уроки, контрольные и домашние задания ({0}) в календарь телефона или компьютера и обновляется сама.',
    calendarWarning: 'Любой, у кого есть ссылка, видит расписание и домашние задания без пароля. Не пересылайте её; ненужную или потерянную ссылку отзовите.',
    createFeed: 'Создать ссылку на календарь',
    activeFeeds: 'Действующие ссылки',
    noFeeds: 'Ссылок нет.',
    feedYours: 'Ваша ссылка от {0}',
    feedOthers: 'Ссылка от {0}, создана другим человеком',
    feedAddress: 'Адрес календаря',
    copyFeed: 'Копировать',
    feedCopied: 'Адрес скопирован.',
    feedOnPhone: 'Добавить в календарь телефона',
    feedShownOnce: 'Адрес показан только сейчас: сохраните его в календаре.',
    feedCreated: 'Ссылка создана.',
    feedNotCreated: 'Ссылка не создана: {0}',
    revokeFeed: 'Отозвать',
    revokeFeedOf: 'Отозвать ссылку от {0}',
    feedRevoked: 'Ссылка отозвана: по ней больше ничего не видно.',
    feedNotRevoked: 'Ссылка не отозвана: {0}',
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
    // A child's settings: notifications, the calendar feed; the week's printable copy.
    settings: 'Settings',
    printWeek: 'Print / PDF',
    notifications: 'Notifications',
    notificationsAbout: 'The school tells you about new marks and absences of {0} by e-mail, SMS and the other channels it has.',
    notifyHow: 'When to send them',
    modeInstant: 'At once',
    modeDigest: 'Once a day, in one digest',
    modeOff: 'Never',
    digestHour: 'Digest time',
    quietHours: 'Quiet hours',
    quietHint: 'No messages come in quiet hours: they are sent when the quiet hours end.',
    quietFrom: 'From',
    quietTo: 'to',
    savedInstant: 'Saved: messages come at once.',
    savedInstantQuiet: 'Saved: messages come at once, except in the quiet hours {0}–{1}.',
    savedDigest: 'Saved: a digest once a day at {0}.',
    savedOff: 'Saved: no messages.',
    notSaved: 'Not saved: {0}',
    calendarFeed: 'Calendar',
    calendarAbout: 'A link that adds the lessons, tests and homework ({0}) to the calendar of a phone or computer, and keeps them up to date.',
    calendarWarning: 'Anyone with the link sees the timetable and homework, without a password. Do not pass it on; revoke a link you no longer need or have lost.',
    createFeed: 'Create a calendar link',
    activeFeeds: 'Active links',
    noFeeds: 'No links.',
    feedYours: 'Your link of {0}',
    feedOthers: 'A link of {0}, made by someone else',
    feedAddress: 'Calendar address',
    copyFeed: 'Copy',
    feedCopied: 'Address copied.',
    feedOnPhone: 'Add to the phone’s calendar',
    feedShownOnce: 'The address is shown only now: keep it in your calendar.',
    feedCreated: 'Link created.',
    feedNotCreated: 'Link not created: {0}',
    revokeFeed: 'Revoke',
    revokeFeedOf: 'Revoke the link of {0}',
    feedRevoked: 'Link revoked: nothing can be seen through it any more.',
    feedNotRevoked: 'Link not revoked: {0}',
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
