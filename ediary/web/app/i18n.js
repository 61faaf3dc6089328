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
    // Sign-in: the ways in the server offers (login.js, accesscode.js, recovery.js).
    otherWaysIn: 'Другие способы входа',
    orSignIn: 'или',
    portalMoscow: 'Войти через mos.ru / Госуслуги',
    haveAccessCode: 'У меня есть код доступа от школы',
    forgotPassword: 'Забыли пароль или логин?',
    backToSignIn: '← Ко входу',
    fillIn: 'Заполните это поле.',
    accessCodeTitle: 'Вход по коду доступа',
    accessCodeIntro: 'Код выдаёт классный руководитель. Придумайте пароль: по нему и адресу почты вы будете входить в дневник.',
    accessCode: 'Код доступа',
    accessCodeHint: 'Как на листке: XXXX-XXXX-XXXX.',
    fullName: 'Ваши фамилия, имя и отчество',
    fullNameHint: 'Родителя, а не ребёнка.',
    emailLogin: 'Электронная почта (будет логином)',
    newPassword: 'Новый пароль',
    newPasswordHint: 'Не короче 8 символов; слишком простые пароли не подойдут.',
    phoneOptional: 'Мобильный телефон (необязательно)',
    phoneHint: 'Укажите, чтобы подтвердить вход кодом из СМС, а не ссылкой из письма.',
    phone: 'Мобильный телефон',
    createAccount: 'Продолжить',
    checkEmailTitle: 'Подтвердите почту',
    checkEmail: 'Мы отправили письмо на {0}. Откройте ссылку из письма и нажмите «Confirm», затем вернитесь сюда.',
    checkEmailSpam: 'Ссылка действует 48 часов. Письма нет? Проверьте папку «Спам».',
    confirmedSignIn: 'Я подтвердил(а) — войти',
    notConfirmedYet: 'Учётная запись ещё не подтверждена: откройте ссылку из письма.',
    smsTitle: 'Код из СМС',
    smsSent: 'Мы отправили СМС с кодом на {0}. Код действует 10 минут.',
    smsCode: 'Код из СМС',
    confirmAndSignIn: 'Подтвердить и войти',
    codeInvalid: 'Такого кода нет. Проверьте, как он написан на листке.',
    codeUsed: 'Этот код уже использован.',
    codeExpired: 'Срок действия кода истёк. Попросите у классного руководителя новый.',
    codeWrongRole: 'Это код ученика, а не родителя.',
    emailInvalid: 'Укажите адрес электронной почты.',
    fullNameInvalid: 'Укажите фамилию и имя (и отчество, если есть).',
    phoneInvalid: 'Это не номер мобильного телефона.',
    phoneUnavailable: 'Этот номер уже подтверждён в другой учётной записи.',
    passwordTooShort: 'Пароль короче 8 символов.',
    passwordTooLong: 'Пароль длиннее 128 символов.',
    passwordTooCommon: 'Этот пароль слишком распространён: придумайте другой.',
    smsUnavailable: 'СМС здесь не отправляются: оставьте телефон пустым и подтвердите почту.',
    smsCodeWrong: 'Неверный код.',
    smsCodeExpired: 'Код больше не действует: запросите новый.',
    smsCodeExhausted: 'Слишком много неверных попыток: запросите новый код.',
    flowNotOffered: 'В вашем регионе этот способ входа не используется.',
    recoverTitle: 'Восстановление доступа',
    resetByEmail: 'Новый пароль по почте',
    resetByEmailIntro: 'Ссылку для нового пароля пришлём на подтверждённую почту учётной записи.',
    sendLink: 'Прислать ссылку',
    resetLinkSent: 'Если у учётной записи {0} есть подтверждённая почта, мы отправили на неё ссылку. Она действует 30 минут.',
    resetByPhone: 'Новый пароль по телефону',
    resetByPhoneIntro: 'Код пришлём в СМС на подтверждённый номер.',
    sendCode: 'Прислать код',
    resetCodeSent: 'Если номер {0} подтверждён в учётной записи, на него придёт СМС с кодом.',
    setPassword: 'Сменить пароль',
    passwordSet: 'Пароль изменён. Войдите с новым паролем.',
    remindLogin: 'Забыли логин?',
    remindLoginIntro: 'Пришлём логины учётных записей с этой подтверждённой почтой или телефоном.',
    emailOrPhone: 'Почта или телефон',
    sendLogins: 'Прислать логин',
    loginsSent: 'Если {0} подтверждён в учётной записи, мы отправили туда логин.',
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
    // Sign-in: the ways in the server offers (login.js, accesscode.js, recovery.js).
    otherWaysIn: 'Other ways to sign in',
    orSignIn: 'or',
    portalMoscow: 'Sign in with mos.ru / Gosuslugi',
    haveAccessCode: 'I have an access code from school',
    forgotPassword: 'Forgot your password or login?',
    backToSignIn: '← Back to sign-in',
    fillIn: 'Fill in this field.',
    accessCodeTitle: 'Sign in with an access code',
    accessCodeIntro: 'The class teacher hands out the code. Choose a password: you will sign in with it and your e-mail.',
    accessCode: 'Access code',
    accessCodeHint: 'As on the slip: XXXX-XXXX-XXXX.',
    fullName: 'Your last name, first name and patronymic',
    fullNameHint: "The parent's, not the child's.",
    emailLogin: 'E-mail (your login)',
    newPassword: 'New password',
    newPasswordHint: 'At least 8 characters; very common passwords are refused.',
    phoneOptional: 'Mobile phone (optional)',
    phoneHint: 'Give it to confirm with a code by SMS instead of a link by e-mail.',
    phone: 'Mobile phone',
    createAccount: 'Continue',
    checkEmailTitle: 'Confirm your e-mail',
    checkEmail: 'We sent an e-mail to {0}. Open its link and press “Confirm”, then come back here.',
    checkEmailSpam: 'The link works for 48 hours. No e-mail? Look in the spam folder.',
    confirmedSignIn: 'I have confirmed: sign in',
    notConfirmedYet: 'The account is not confirmed yet: open the link in the e-mail.',
    smsTitle: 'Code from the SMS',
    smsSent: 'We sent an SMS with a code to {0}. The code works for 10 minutes.',
    smsCode: 'Code from the SMS',
    confirmAndSignIn: 'Confirm and sign in',
    codeInvalid: 'There is no such code. Check it against the slip.',
    codeUsed: 'This code has been used already.',
    codeExpired: 'The code has expired. Ask the class teacher for a new one.',
    codeWrongRole: "This is a student's code, not a parent's.",
    emailInvalid: 'Give an e-mail address.',
    fullNameInvalid: 'Give your last and first name (and patronymic, if any).',
    phoneInvalid: 'This is not a mobile phone number.',
    phoneUnavailable: 'This number is confirmed on another account.',
    passwordTooShort: 'The password is shorter than 8 characters.',
    passwordTooLong: 'The password is longer than 128 characters.',
    passwordTooCommon: 'This password is too common: choose another.',
    smsUnavailable: 'SMS cannot be sent here: leave the phone empty and confirm by e-mail.',
    smsCodeWrong: 'Wrong code.',
    smsCodeExpired: 'The code no longer works: ask for a new one.',
    smsCodeExhausted: 'Too many wrong tries: ask for a new code.',
    flowNotOffered: 'Your region does not use this way to sign in.',
    recoverTitle: 'Recover access',
    resetByEmail: 'A new password by e-mail',
    resetByEmailIntro: "We send a link for a new password to the account's confirmed e-mail.",
    sendLink: 'Send the link',
    resetLinkSent: 'If the account {0} has a confirmed e-mail, we sent a link there. It works for 30 minutes.',
    resetByPhone: 'A new password by phone',
    resetByPhoneIntro: 'We send a code by SMS to the confirmed number.',
    sendCode: 'Send the code',
    resetCodeSent: 'If {0} is confirmed on an account, an SMS with a code is on its way.',
    setPassword: 'Set the password',
    passwordSet: 'The password is changed. Sign in with the new one.',
    remindLogin: 'Forgot your login?',
    remindLoginIntro: 'We send the logins of the accounts with this confirmed e-mail or phone.',
    emailOrPhone: 'E-mail or phone',
    sendLogins: 'Send the login',
    loginsSent: 'If {0} is confirmed on an account, we sent the login there.',
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
