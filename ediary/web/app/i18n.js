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
    // The class teacher's screens (myclass.js, class-*.js).
    myClass: 'Мой класс',
    myClassOf: 'Мой класс: {0}',
    noLedClass: 'Вы не классный руководитель ни одного класса.',
    classRefused: 'Не сохранено: {0}',
    parentOf: '{0} ({1})',
    classMeetings: 'Собрания',
    meetingsList: 'Собрания класса',
    noMeetings: 'Собраний пока нет.',
    scheduleMeeting: 'Назначить родительское собрание',
    meetingDefaultTitle: 'Родительское собрание',
    meetingTitle: 'Название',
    meetingDay: 'Дата',
    meetingStarts: 'Начало',
    meetingEnds: 'Окончание',
    schoolTimeZone: 'Время школы ({0}).',
    meetingPlace: 'Место',
    meetingAgenda: 'Повестка',
    scheduleMeetingButton: 'Назначить собрание',
    meetingScheduled: 'Собрание назначено: {0}. Семьи получат уведомление.',
    meetingMovedFrom: 'Перенесено, было {0}',
    meetingCancelled: 'Отменено. ',
    meetingAnswers: 'Придут: {0} · Не смогут: {1} · Не ответили: {2}',
    meetingWho: 'Кто что ответил',
    willAttend: 'Придут',
    cannotAttend: 'Не смогут',
    noAnswer: 'Не ответили',
    minutes: 'Протокол',
    addMinutes: 'Добавить протокол',
    editMinutes: 'Изменить протокол',
    saveMinutes: 'Сохранить протокол',
    minutesSaved: 'Протокол сохранён: {0}',
    moveMeeting: 'Перенести',
    moveResetsAnswers: 'После переноса ответы родителей сбрасываются: их спросят снова.',
    moveMeetingButton: 'Перенести собрание',
    meetingMoved: 'Собрание перенесено: {0}',
    cancelMeeting: 'Отменить',
    cancelReason: 'Причина отмены (её увидят семьи)',
    cancelMeetingButton: 'Отменить собрание',
    meetingCancelledDone: 'Собрание отменено: {0}',
    classNews: 'Новости',
    newsList: 'Новости класса',
    noNews: 'Новостей класса пока нет.',
    postNews: 'Новость для класса',
    newsKind: 'О чём',
    newsKindNews: 'Новость',
    newsKindSchedule: 'Изменение расписания',
    newsKindCompetition: 'Конкурс',
    newsKindQuarantine: 'Карантин',
    newsTitle: 'Заголовок',
    newsText: 'Текст',
    newsReach: 'Новость увидят родители и ученики класса; семьи получат уведомление.',
    postNewsButton: 'Опубликовать',
    newsPosted: 'Опубликовано: {0}',
    editNews: 'Изменить',
    saveNews: 'Сохранить изменения',
    newsSaved: 'Изменено: {0}',
    withdrawNews: 'Снять с публикации',
    withdrawNewsConfirm: 'Снять новость «{0}»? Её больше никто не увидит.',
    newsWithdrawn: 'Снято с публикации: {0}',
    classAcks: 'Ознакомление',
    acksList: 'Запросы ознакомления',
    noAcks: 'Запросов ознакомления пока нет.',
    requestAck: 'Попросить родителей ознакомиться',
    ackTitle: 'О чём (например, согласие на экскурсию)',
    ackText: 'Текст, с которым знакомятся',
    ackHint: 'Каждый родитель каждого ученика класса подтвердит, что ознакомился. Текст после отправки не меняется.',
    requestAckButton: 'Отправить семьям',
    ackRequested: 'Отправлено семьям: {0}',
    ackCounts: 'Ознакомились: {0} из {1}',
    ackWho: 'Кто ознакомился',
    ackNotYet: 'Ещё нет ({0})',
    ackDone: 'Ознакомились ({0})',
    ackSigned: 'с электронной подписью',
    classLogins: 'Логины семей',
    issueLogins: 'Выдать логины и временные пароли',
    loginsWithout: 'Без входа в дневник: {0}.',
    issueFor: 'Кому',
    issueStudents: 'Ученикам',
    issueParents: 'Родителям',
    issueReissue: 'И тем, у кого вход уже есть (их прежние пароли перестанут работать)',
    issueReissueConfirm: 'Прежние пароли учеников и родителей класса перестанут работать сразу. Выдать новые?',
    issueOnce: 'Временные пароли показываются один раз: здесь и на листах для печати, пока их можно распечатать. При первом входе пароль нужно сменить.',
    issueLoginsButton: 'Выдать логины',
    loginsIssued: 'Выдано логинов: {0}',
    batchHeading: 'Выданные логины: {0}',
    batchOnce: 'Запишите или распечатайте сейчас: пароли больше не покажут. Листы можно распечатать до {0}.',
    printSheets: 'Листы для семей (PDF)',
    temporaryPassword: 'Временный пароль',
    accountsList: 'Ученики и родители',
    accountName: 'ФИО',
    accountWho: 'Кто',
    accountState: 'Вход',
    accountAction: 'Действие',
    roleStudent: 'ученик',
    roleParentOf: 'родитель: {0}',
    loginActive: 'есть',
    loginIssued: 'выдан, пароль не сменён',
    loginNone: 'нет',
    reissue: 'Новый пароль',
    reissueFor: 'Новый пароль: {0}',
    reissueConfirm: 'Выдать новый временный пароль: {0}? Прежний пароль и все входы перестанут работать сразу.',
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
    // The class teacher's screens (myclass.js, class-*.js).
    myClass: 'My class',
    myClassOf: 'My class: {0}',
    noLedClass: 'You are not the class teacher of any class.',
    classRefused: 'Not saved: {0}',
    parentOf: '{0} ({1})',
    classMeetings: 'Meetings',
    meetingsList: 'The class’s meetings',
    noMeetings: 'No meetings yet.',
    scheduleMeeting: 'Schedule a parent meeting',
    meetingDefaultTitle: 'Parent meeting',
    meetingTitle: 'Title',
    meetingDay: 'Date',
    meetingStarts: 'Starts',
    meetingEnds: 'Ends',
    schoolTimeZone: 'The school’s time ({0}).',
    meetingPlace: 'Place',
    meetingAgenda: 'Agenda',
    scheduleMeetingButton: 'Schedule the meeting',
    meetingScheduled: 'Meeting scheduled: {0}. The families are notified.',
    meetingMovedFrom: 'Moved, was {0}',
    meetingCancelled: 'Cancelled. ',
    meetingAnswers: 'Coming: {0} · Cannot come: {1} · No answer: {2}',
    meetingWho: 'Who answered what',
    willAttend: 'Coming',
    cannotAttend: 'Cannot come',
    noAnswer: 'No answer',
    minutes: 'Minutes',
    addMinutes: 'Add the minutes',
    editMinutes: 'Change the minutes',
    saveMinutes: 'Save the minutes',
    minutesSaved: 'Minutes saved: {0}',
    moveMeeting: 'Move',
    moveResetsAnswers: 'Moving resets the parents’ answers: they are asked again.',
    moveMeetingButton: 'Move the meeting',
    meetingMoved: 'Meeting moved: {0}',
    cancelMeeting: 'Cancel',
    cancelReason: 'Why (the families see it)',
    cancelMeetingButton: 'Cancel the meeting',
    meetingCancelledDone: 'Meeting cancelled: {0}',
    classNews: 'News',
    newsList: 'The class’s news',
    noNews: 'No class news yet.',
    postNews: 'News for the class',
    newsKind: 'About',
    newsKindNews: 'News',
    newsKindSchedule: 'Timetable change',
    newsKindCompetition: 'Competition',
    newsKindQuarantine: 'Quarantine',
    newsTitle: 'Title',
    newsText: 'Text',
    newsReach: 'The class’s parents and students see it; the families are notified.',
    postNewsButton: 'Post',
    newsPosted: 'Posted: {0}',
    editNews: 'Change',
    saveNews: 'Save the changes',
    newsSaved: 'Changed: {0}',
    withdrawNews: 'Withdraw',
    withdrawNewsConfirm: 'Withdraw “{0}”? Nobody will see it any more.',
    newsWithdrawn: 'Withdrawn: {0}',
    classAcks: 'Acknowledgements',
    acksList: 'Acknowledgement requests',
    noAcks: 'No acknowledgement requests yet.',
    requestAck: 'Ask the parents to acknowledge',
    ackTitle: 'About (such as a trip consent)',
    ackText: 'The text to acknowledge',
    ackHint: 'Each parent of each student of the class confirms having read it. The text cannot change once sent.',
    requestAckButton: 'Send to the families',
    ackRequested: 'Sent to the families: {0}',
    ackCounts: 'Acknowledged: {0} of {1}',
    ackWho: 'Who acknowledged',
    ackNotYet: 'Not yet ({0})',
    ackDone: 'Acknowledged ({0})',
    ackSigned: 'signed electronically',
    classLogins: 'Families’ logins',
    issueLogins: 'Issue logins and temporary passwords',
    loginsWithout: 'Cannot sign in yet: {0}.',
    issueFor: 'For',
    issueStudents: 'Students',
    issueParents: 'Parents',
    issueReissue: 'Also those who can sign in already (their passwords stop working)',
    issueReissueConfirm: 'The class’s students’ and parents’ passwords stop working at once. Issue new ones?',
    issueOnce: 'Temporary passwords are shown once: here, and on the sheets while they can be printed. They must be changed at the first sign-in.',
    issueLoginsButton: 'Issue logins',
    loginsIssued: 'Logins issued: {0}',
    batchHeading: 'Logins issued: {0}',
    batchOnce: 'Note them or print them now: the passwords are not shown again. The sheets can be printed until {0}.',
    printSheets: 'Sheets for the families (PDF)',
    temporaryPassword: 'Temporary password',
    accountsList: 'Students and parents',
    accountName: 'Name',
    accountWho: 'Who',
    accountState: 'Sign-in',
    accountAction: 'Action',
    roleStudent: 'student',
    roleParentOf: 'parent of {0}',
    loginActive: 'yes',
    loginIssued: 'issued, password not changed yet',
    loginNone: 'none',
    reissue: 'New password',
    reissueFor: 'New password: {0}',
    reissueConfirm: 'Issue a new temporary password to {0}? The old password and every sign-in stop working at once.',
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
