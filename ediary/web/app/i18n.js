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
    // News, meetings and acknowledgements (news.js, meetings.js, acks.js).
    news: 'Новости',
    meetings: 'Собрания',
    acks: 'Ознакомление',
    showMore: 'Показать ещё',
    noNews: 'Новостей пока нет.',
    newsList: 'Новости',
    newsSchool: 'Школа',
    newsClass: 'Класс {0}',
    newsBlog: 'Блог: {0}',
    kindNews: 'Новость',
    kindQuarantine: 'Карантин',
    kindCompetition: 'Конкурс',
    kindScheduleChange: 'Изменение расписания',
    attachmentSize: '{0} КБ',
    attachments: 'Файлы',
    comingMeetings: 'Предстоящие собрания',
    pastMeetings: 'Прошедшие собрания',
    noMeetings: 'Собраний не запланировано.',
    schoolMeeting: 'Общешкольное собрание',
    classMeeting: 'Собрание класса {0}',
    meetingPlace: 'Место: {0}',
    meetingOnline: 'Подключиться онлайн',
    meetingAgenda: 'Повестка',
    meetingMinutes: 'Протокол',
    meetingOrganiser: 'Проводит {0}',
    meetingMoved: 'Перенесено, было {0}',
    meetingCancelled: 'Собрание отменено',
    yourAnswer: 'Ваш ответ',
    WILL_ATTEND: 'Приду',
    CANNOT_ATTEND: 'Не смогу',
    answered: 'Вы ответили «{0}» {1}.',
    notAnswered: 'Вы ещё не ответили.',
    answerSaved: 'Ответ сохранён: «{0}».',
    answerClosed: 'Ответ уже не изменить: собрание началось или отменено.',
    answerFailed: 'Ответ не сохранён. Попробуйте ещё раз.',
    ackPending: 'Ждут вашего подтверждения',
    ackDone: 'Подтверждённые',
    noAcks: 'Просьб об ознакомлении нет.',
    ackFrom: '{0}, {1}',
    ackButton: 'Подтвердить ознакомление',
    ackSigning: 'Подписываем…',
    ackGiven: 'Ознакомлен(а) {0}, {1}.',
    ackSigned: 'с электронной подписью',
    ackUnsigned: 'без электронной подписи',
    ackFailed: 'Не удалось подтвердить. Попробуйте ещё раз.',
    ackMismatch: 'Сервер прислал на подпись не тот текст, что показан. Обновите страницу и прочтите его снова.',
    keyTitle: 'Ключ подписи этого браузера',
    keyReady: 'Создан {0}. Отпечаток: {1}.',
    keyNone: 'Ключа ещё нет: браузер создаст его при первом подтверждении. Закрытая часть ключа не покидает этот браузер.',
    keyElsewhere: 'Ваш действующий ключ подписи — на другом устройстве (создан {0}). Чтобы подписывать здесь, замените его ключом этого браузера: ключ того устройства перестанет действовать.',
    keyReplace: 'Заменить ключом этого браузера',
    keyForget: 'Отозвать ключ этого браузера',
    keyForgotten: 'Ключ отозван и удалён из этого браузера.',
    keyUnsupported: 'Этот браузер не умеет подписывать (Ed25519): подтверждение будет без электронной подписи.',
    keyUnsupportedElsewhere: 'Ваш ключ подписи — на другом устройстве, а этот браузер подписывать не умеет. Подтвердите там.',
    keyFailed: 'Не удалось изменить ключ. Попробуйте ещё раз.',
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
    // News, meetings and acknowledgements (news.js, meetings.js, acks.js).
    news: 'News',
    meetings: 'Meetings',
    acks: 'Acknowledge',
    showMore: 'Show more',
    noNews: 'No news yet.',
    newsList: 'News',
    newsSchool: 'School',
    newsClass: 'Class {0}',
    newsBlog: 'Blog: {0}',
    kindNews: 'News',
    kindQuarantine: 'Quarantine',
    kindCompetition: 'Competition',
    kindScheduleChange: 'Timetable change',
    attachmentSize: '{0} KB',
    attachments: 'Files',
    comingMeetings: 'Coming meetings',
    pastMeetings: 'Past meetings',
    noMeetings: 'No meetings are planned.',
    schoolMeeting: 'School meeting',
    classMeeting: 'Meeting of class {0}',
    meetingPlace: 'Place: {0}',
    meetingOnline: 'Join online',
    meetingAgenda: 'Agenda',
    meetingMinutes: 'Minutes',
    meetingOrganiser: 'Held by {0}',
    meetingMoved: 'Moved, was {0}',
    meetingCancelled: 'Meeting cancelled',
    yourAnswer: 'Your answer',
    WILL_ATTEND: 'I will come',
    CANNOT_ATTEND: 'I cannot come',
    answered: 'You answered “{0}” on {1}.',
    notAnswered: 'You have not answered yet.',
    answerSaved: 'Answer saved: “{0}”.',
    answerClosed: 'The answer can no longer change: the meeting has started or was cancelled.',
    answerFailed: 'The answer was not saved. Try again.',
    ackPending: 'Waiting for you',
    ackDone: 'Acknowledged',
    noAcks: 'Nothing to acknowledge.',
    ackFrom: '{0}, {1}',
    ackButton: 'I have read it',
    ackSigning: 'Signing…',
    ackGiven: 'Acknowledged on {0}, {1}.',
    ackSigned: 'signed electronically',
    ackUnsigned: 'not signed',
    ackFailed: 'Could not acknowledge. Try again.',
    ackMismatch: 'The server sent another text to sign than the one shown. Reload the page and read it again.',
    keyTitle: 'This browser’s signing key',
    keyReady: 'Created on {0}. Fingerprint: {1}.',
    keyNone: 'No key yet: the browser makes one when you first acknowledge. Its private half never leaves this browser.',
    keyElsewhere: 'Your signing key is on another device (created on {0}). To sign here, replace it with a key of this browser: the other device’s key will stop working.',
    keyReplace: 'Replace it with this browser’s key',
    keyForget: 'Revoke this browser’s key',
    keyForgotten: 'The key is revoked and removed from this browser.',
    keyUnsupported: 'This browser cannot sign (Ed25519): the acknowledgement will not be signed.',
    keyUnsupportedElsewhere: 'Your signing key is on another device, and this browser cannot sign. Acknowledge there.',
    keyFailed: 'Could not change the key. Try again.',
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
