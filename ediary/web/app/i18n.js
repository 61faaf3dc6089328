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
    markPending: 'Mark {0}: Enter to give it',
    markGiven: 'Given {0}: {1}',
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
