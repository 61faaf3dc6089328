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
    // Conversations (talk.js, conversation.js)
    talk: 'Сообщения',
    conversations: 'Беседы',
    noConversations: 'Бесед пока нет.',
    newConversation: 'Написать учителю',
    to: 'Кому',
    pickTeacher: 'Выберите учителя',
    classTeacher: 'классный руководитель',
    noTeachers: 'У ребёнка сейчас нет учителей, которым можно написать.',
    message: 'Сообщение',
    send: 'Отправить',
    sendKeys: 'Ctrl+Enter — отправить, Enter — новая строка.',
    sent: 'Сообщение отправлено.',
    unreadCount: 'Непрочитанных: {0}',
    aboutStudent: 'Ученик: {0}',
    classGroup: 'Чат родителей {0}',
    you: 'Вы',
    closed: 'закрыта',
    closedNote: 'Учитель закрыл беседу {0}. Её можно читать, но новые сообщения не принимаются.',
    closeConversation: 'Закрыть беседу',
    confirmClose: 'Закрыть беседу? Её можно будет читать, но писать в неё будет нельзя.',
    allConversations: '← Все беседы',
    earlier: 'Показать более ранние',
    more: 'Показать ещё',
    noMessages: 'Сообщений пока нет.',
    messagesLabel: 'Переписка',
    liveMessage: 'Новое сообщение от {0}: {1}',
    liveClosed: 'Беседа закрыта, новые сообщения не принимаются.',
    messageRefused: 'Сообщение не отправлено: {0}',
    tooManyMessages: 'Слишком много сообщений за короткое время. Попробуйте через {0} мин.',
    emptyMessage: 'Напишите текст сообщения.',
    noTeacherPicked: 'Выберите, кому написать.',
    seen: 'Прочитано',
    notSent: 'Сообщение не отправлено: нет связи. Текст остался здесь, попробуйте ещё раз.',
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
    // Conversations (talk.js, conversation.js)
    talk: 'Messages',
    conversations: 'Conversations',
    noConversations: 'No conversations yet.',
    newConversation: 'Write to a teacher',
    to: 'To',
    pickTeacher: 'Choose a teacher',
    classTeacher: 'class teacher',
    noTeachers: 'The child has no teachers to write to at the moment.',
    message: 'Message',
    send: 'Send',
    sendKeys: 'Ctrl+Enter sends, Enter starts a new line.',
    sent: 'Message sent.',
    unreadCount: 'Unread: {0}',
    aboutStudent: 'Student: {0}',
    classGroup: 'Parents of {0}',
    you: 'You',
    closed: 'closed',
    closedNote: 'The teacher closed this conversation on {0}. It can be read, but takes no new messages.',
    closeConversation: 'Close the conversation',
    confirmClose: 'Close the conversation? It stays readable, but nobody can write to it any more.',
    allConversations: '← All conversations',
    earlier: 'Show earlier messages',
    more: 'Show more',
    noMessages: 'No messages yet.',
    messagesLabel: 'Messages',
    liveMessage: 'New message from {0}: {1}',
    liveClosed: 'The conversation is closed and takes no new messages.',
    messageRefused: 'Message not sent: {0}',
    tooManyMessages: 'Too many messages in a short time. Try again in {0} min.',
    emptyMessage: 'Write the text of the message.',
    noTeacherPicked: 'Choose whom to write to.',
    seen: 'Read',
    notSent: 'Message not sent: no connection. The text is still here; try again.',
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
