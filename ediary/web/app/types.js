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
 * @typedef {{ id: string, value: number, weight: number }} JournalMark
 * @typedef {{ marks: JournalMark[], attendance: { kind: 'ABSENT' | 'LATE' } | null }} JournalCell
 * @typedef {{
 *   student: { id: string, fullName: string }, cells: JournalCell[],
 *   average: { average: number | null, forecast: number | null }
 * }} JournalRow
 * @typedef {{
 *   schoolClass: Entity, subject: Entity, term: { id: string, number: number },
 *   lessons: { id: string, date: string, period: number, status: string }[], rows: JournalRow[]
 * }} ClassJournal
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
