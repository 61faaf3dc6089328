// The shapes of the API's answers to the app's documents (documents.json), for tsc --checkJs.
// Written by hand: a handful of operations does not need a generator, and the app has no
// build step.

/**
 * @typedef {{ name: string }} Named
 * @typedef {{ id: string, fullName: string, schoolClass: Named | null }} Child
 * @typedef {{
 *   id: string, fullName: string, roles: string[], csrfToken: string | null,
 *   mustChangePassword: boolean, children: Child[] | null, student: Child | null,
 *   teacher: { id: string } | null
 * }} Viewer
 * @typedef {{ code: string, message: string, retryAfter: number | null }} UserError
 * @typedef {{ id: string, value: number, weight: number, kind: string, comment: string }} Mark
 * @typedef {Mark & { subject: Named }} OtherMark
 * @typedef {{
 *   id: string, period: number, subject: Named, teacher: { shortName: string },
 *   substituteTeacher: { shortName: string } | null, room: string,
 *   scheduledRoom: string | null, topic: string, status: 'HELD' | 'CANCELLED' | 'SUBSTITUTED',
 *   changeNote: string, bell: { startsAt: string, endsAt: string } | null
 * }} Lesson
 * @typedef {{ id: string, text: string, attachments: { filename: string, url: string }[] }} Homework
 * @typedef {{ kind: 'ABSENT' | 'LATE', minutesLate: number | null, excused: boolean }} Attendance
 * @typedef {{
 *   lesson: Lesson, homework: Homework[], marks: Mark[], attendance: Attendance | null,
 *   plannedWork: { id: string, kind: string, topic: string }[]
 * }} DiaryLesson
 * @typedef {{ date: string, lessons: DiaryLesson[], otherMarks: OtherMark[] }} DiaryDay
 * @typedef {{ week: string, student: Child | null, days: DiaryDay[] }} DiaryWeek
 * @typedef {{
 *   kind: string, date: string | null, subject: Named | null,
 *   mark: { id: string, value: number, weight: number, kind: string } | null
 * }} DiaryUpdate
 * @typedef {{ id: string, number: number, startsOn: string, endsOn: string }} Term
 * @typedef {{
 *   subject: { id: string, name: string }, term: Term, average: number | null,
 *   markCount: number, forecast: number | null
 * }} SubjectAverage
 * @typedef {{ id: string, value: number, weight: number, kind: string, comment: string,
 *   date: string, subject: { id: string } }} TermMark
 * @typedef {{ id: string, name: string }} Entity
 * @typedef {{ days: { lessons: { schoolClass: Entity | null, subject: Entity }[] }[] }} TeacherWeek
 * @typedef {{
 *   id: string, period: number, subject: Entity, schoolClass: Entity | null, room: string,
 *   scheduledRoom: string | null, topic: string, status: 'HELD' | 'CANCELLED' | 'SUBSTITUTED',
 *   changeNote: string, substituteTeacher: { shortName: string } | null,
 *   bell: { startsAt: string, endsAt: string } | null
 * }} TeacherLesson
 * @typedef {{ week: string, days: { date: string, lessons: TeacherLesson[] }[] }} TeacherTimetable
 * @typedef {{ action: 'CREATE' | 'CORRECT' | 'DELETE', oldValue: number | null, newValue: number, reason: string }} MarkEvent
 * @typedef {{ id: string, value: number, weight: number, history?: MarkEvent[] | null }} JournalMark
 * @typedef {{ marks: JournalMark[], attendance: { kind: 'ABSENT' | 'LATE', minutesLate?: number | null } | null }} JournalCell
 * @typedef {{
 *   student: { id: string, fullName: string }, cells: JournalCell[],
 *   average: { average: number | null, forecast: number | null }
 * }} JournalRow
 * @typedef {{
 *   id: string, date: string, period: number, status: string, topic: string,
 *   homework: { id: string, text: string, dueOn: string }[] | null
 * }} JournalLesson
 * @typedef {{
 *   schoolClass: Entity, subject: Entity, term: { id: string, number: number }, terms: Term[],
 *   lessons: JournalLesson[], rows: JournalRow[]
 * }} ClassJournal
 *
 * Marks by subject: what is needed for a term mark (AppMarkForecast).
 * @typedef {{ value: number, weight: number, count: number, fits: boolean }} MarksPlan
 * @typedef {{
 *   work: { id: string, kind: string, topic: string, weight: number, lesson: { date: string } },
 *   needed: number | null
 * }} ForecastWork
 * @typedef {{
 *   subject: Entity, target: number, average: number | null, markCount: number,
 *   forecast: number | null, given: number | null, reached: boolean, reachable: boolean,
 *   remainingLessons: number, plans: MarksPlan[], upcomingWork: ForecastWork[],
 *   neededOnUpcomingWork: number | null
 * }} MarkForecast
 *
 * The progress picture (AppProgress).
 * @typedef {{
 *   week: string, weekEnds: string, average: number, weekMarks: number, totalMarks: number
 * }} ProgressPoint
 * @typedef {{ subject: Entity, points: ProgressPoint[] }} SubjectProgress
 * @typedef {{
 *   term: Term, asOf: string, weeksLeft: number, chartUrl: string, subjects: SubjectProgress[]
 * }} Progress
 * @typedef {{
 *   shown: boolean,
 *   subjects: { subject: { id: string }, classAverage: number | null, classStudents: number | null }[]
 * }} ClassStanding
 *
 * A child's settings (settings.js):
 * @typedef {{ field: string[] | null, code: string, message: string }} FieldError
 * @typedef {{
 *   student: { id: string }, mode: 'INSTANT' | 'DIGEST' | 'OFF', digestHour: number,
 *   quietFrom: string | null, quietTo: string | null, saved: boolean
 * }} NotificationPreference
 * @typedef {{ id: string, createdAt: string, createdByViewer: boolean }} CalendarFeed
 */

// The class teacher's screens (myclass.js, class-*.js).
/**
 * @typedef {{ id: string, name: string, school: { timeZone: string } | null }} LedClass
 * @typedef {{
 *   id: string, title: string, startsAt: string, endsAt: string, place: string, agenda: string,
 *   minutes: string | null, cancelledAt: string | null, cancelReason: string | null,
 *   movedFrom: string | null, schoolClass: { id: string } | null
 * }} ClassMeeting
 * @typedef {{
 *   answer: 'WILL_ATTEND' | 'CANNOT_ATTEND' | null, answeredAt: string | null,
 *   parentName: string | null, student: { id: string, fullName: string } | null
 * }} MeetingInvitee
 * @typedef {{
 *   id: string, audience: 'SCHOOL' | 'CLASS' | 'BLOG', kind: string, title: string, text: string,
 *   publishedAt: string, author: { id: string, shortName: string } | null,
 *   schoolClass: { id: string } | null
 * }} ClassAnnouncement
 * @typedef {{
 *   parentName: string, student: { id: string, fullName: string },
 *   acknowledgement: { acknowledgedAt: string, signed: boolean } | null
 * }} AckStatus
 * @typedef {{
 *   id: string, title: string, text: string, createdAt: string, statuses: AckStatus[] | null
 * }} ClassAckRequest
 * @typedef {{
 *   fullName: string, role: 'STUDENT' | 'PARENT', state: 'NONE' | 'ISSUED' | 'ACTIVE',
 *   login: string | null, student: { id: string, fullName: string }, parent: { id: string } | null
 * }} ClassAccount
 * @typedef {{
 *   id: string, createdAt: string, sheetsUntil: string, printUrl: string,
 *   logins: {
 *     fullName: string, role: 'STUDENT' | 'PARENT', login: string, temporaryPassword: string | null,
 *     student: { id: string, fullName: string } | null
 *   }[]
 * }} LoginBatch
 */

// The Dnevnik plugin's access codes for a class (class-codes.js).
/**
 * @typedef {{
 *   role: 'STUDENT' | 'PARENT', code: string | null, expiresAt: string, used: boolean,
 *   student: { id: string, fullName: string } | null
 * }} AccessCode
 * @typedef {{
 *   id: string, createdAt: string, expiresAt: string,
 *   codes: { role: 'STUDENT' | 'PARENT', used: boolean }[]
 * }} AccessCodeBatchSummary
 * @typedef {{
 *   id: string, createdAt: string, expiresAt: string, printUrl: string, codes: AccessCode[]
 * }} AccessCodeBatch
 */

// The class journal's live updates (journal.js).
/**
 * @typedef {{
 *   kind: string, mark: { id: string, value: number } | null,
 *   student: { id: string, fullName: string } | null, lesson: { id: string } | null
 * }} JournalUpdate
 */

// News, meetings and acknowledgements (news.js, meetings.js, acks.js, signing.js).
/**
 * @template T
 * @typedef {{
 *   edges: { node: T | null }[] | null,
 *   pageInfo: { hasNextPage: boolean, endCursor: string | null }
 * }} Connection
 */
/**
 * @typedef {{ id: string, schoolClass: { id: string } | null, school?: { id: string } | null }} ChildPlace
 * @typedef {{
 *   id: string, audience: 'SCHOOL' | 'CLASS' | 'BLOG',
 *   kind: 'NEWS' | 'QUARANTINE' | 'COMPETITION' | 'SCHEDULE_CHANGE', title: string,
 *   text: string, publishedAt: string, author: { fullName: string } | null,
 *   schoolClass: Entity | null,
 *   attachments: { id: string, filename: string, size: number, url: string }[]
 * }} Announcement
 * @typedef {'WILL_ATTEND' | 'CANNOT_ATTEND'} MeetingAnswer
 * @typedef {{ answer: MeetingAnswer, answeredAt: string, student: { id: string } | null }} MeetingReply
 * @typedef {{
 *   id: string, audience: 'SCHOOL' | 'CLASS', title: string, startsAt: string,
 *   endsAt: string, place: string, onlineUrl: string | null, agenda: string,
 *   minutes: string | null, cancelledAt: string | null, cancelReason: string | null,
 *   movedFrom: string | null, organiser: { fullName: string } | null,
 *   school: { id: string } | null, schoolClass: Entity | null,
 *   myReplies: MeetingReply[] | null
 * }} Meeting
 * @typedef {{ id: string, acknowledgedAt: string, signed: boolean }} Acknowledgement
 * @typedef {{
 *   id: string, title: string, text: string, textSha256: string, createdAt: string,
 *   schoolClass: Named | null, author: { fullName: string } | null,
 *   statuses: { student: { id: string }, acknowledgement: Acknowledgement | null }[] | null
 * }} AckRequest
 * @typedef {{
 *   id: string, publicKey: string, fingerprint: string, createdAt: string,
 *   revokedAt: string | null
 * }} SigningKey
 */

/**
 * Sign-in (AppLoginFlows): a way in the server offers; a redirect flow (a portal) has a `url`.
 * @typedef {{ id: string, title: string, url: string | null }} LoginFlow
 *
 * Conversations (talk.js, conversation.js):
 * @typedef {{ fullName: string, isViewer: boolean }} Participant
 * @typedef {{
 *   id: string, text: string, createdAt: string, isOwn: boolean,
 *   author: { fullName: string, role?: 'PARENT' | 'TEACHER' } | null
 * }} Message
 * @typedef {{
 *   id: string, kind: 'DIRECT' | 'CLASS_GROUP', closedAt: string | null, lastActivityAt: string,
 *   unreadCount: number | null, student: Child & { id: string } | null, schoolClass: Entity | null,
 *   teacher: Entity & { fullName: string } | null, parent: Participant | null,
 *   messages: { edges: ({ node: Message | null } | null)[] | null } | null
 * }} ConversationItem
 * @typedef {{ hasNextPage: boolean, endCursor: string | null }} PageInfo
 * @typedef {{ edges: ({ node: ConversationItem | null } | null)[] | null, pageInfo: PageInfo }} ConversationPage
 * @typedef {{ id: string, fullName: string }} Person
 * @typedef {{
 *   id: string, fullName: string,
 *   schoolClass: { id: string, name: string, classTeacher: Person | null } | null,
 *   subjectTeachers: { subject: Entity, teacher: Person }[]
 * }} TalkStudent
 * @typedef {{
 *   id: string, kind: 'DIRECT' | 'CLASS_GROUP', closedAt: string | null, unreadCount: number | null,
 *   student: Child & { id: string } | null, schoolClass: Entity | null,
 *   teacher: Person | null, parent: Participant | null,
 *   readReceipts: { lastReadMessageId: string, participant: { isViewer: boolean } | null }[] | null,
 *   messages: { edges: ({ node: Message | null } | null)[] | null, pageInfo: PageInfo } | null
 * }} Conversation
 * @typedef {{
 *   kind: 'MESSAGE_POSTED' | 'MESSAGE_READ' | 'CONVERSATION_CLOSED',
 *   conversation: { id: string, unreadCount: number | null, closedAt: string | null },
 *   message: Message | null,
 *   readReceipt: { lastReadMessageId: string, participant: { isViewer: boolean } | null } | null
 * }} ConversationUpdate
 */

export {};
