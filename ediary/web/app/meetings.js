// Parent meetings of a child's class and school: the coming ones first (the soonest on top)
// with when, where, the agenda and the parent's answer for this child, which they give or
// change here until the meeting starts; then past ones with their minutes.

import { run } from './api.js';
import { childHeader } from './child.js';
import { h } from './dom.js';
import { dateTime, language, t } from './i18n.js';

/**
 * @typedef {import('./types.js').Child} Child
 * @typedef {import('./types.js').Meeting} Meeting
 * @typedef {import('./types.js').MeetingAnswer} MeetingAnswer
 * @typedef {import('./types.js').MeetingReply} MeetingReply
 * @typedef {import('./types.js').ChildPlace} ChildPlace
 * @typedef {import('./types.js').UserError} UserError
 * @typedef {{
 *   viewer: { children: ChildPlace[] | null } | null,
 *   meetings: import('./types.js').Connection<Meeting> | null
 * }} MeetingsAnswer
 */

/** @type {MeetingAnswer[]} */
const ANSWERS = ['WILL_ATTEND', 'CANNOT_ATTEND'];

/** "четверг, 4 декабря, 18:30–19:30", in this device's time. */
function when(/** @type {Meeting} */ meeting) {
  const starts = new Date(meeting.startsAt);
  const ends = new Date(meeting.endsAt);
  /** @param {Date} moment */
  const time = (moment) => moment.toLocaleTimeString(language(), { hour: '2-digit', minute: '2-digit' });
  const date = starts.toLocaleDateString(language(), { weekday: 'long', day: 'numeric', month: 'long' });
  return `${date}, ${time(starts)}–${time(ends)}`;
}

/**
 * The parent's answer for the child: two buttons, the one given pressed, and a line saying
 * what was answered and when (read politely when it changes).
 * @param {Meeting} meeting
 * @param {Child} child
 * @param {MeetingReply | undefined} reply
 * @param {boolean} open whether it can still be given or changed
 */
function answerBlock(meeting, child, reply, open) {
  const legendId = `answer-${meeting.id}`;
  const status = h('p', { class: 'answer-status', role: 'status' });
  /** @param {MeetingReply | undefined} given */
  const describe = (given) =>
    given ? t('answered', t(given.answer), dateTime(new Date(given.answeredAt))) : t('notAnswered');
  status.textContent = describe(reply);
  if (!open) {
    return h('div', { class: 'answer' }, status);
  }
  const buttons = ANSWERS.map((answer) =>
    h(
      'button',
      {
        type: 'button',
        class: `answer-${answer.toLowerCase()}`,
        'aria-pressed': reply?.answer === answer ? 'true' : 'false',
        onclick: () => void give(answer),
      },
      t(answer),
    ),
  );

  /** @param {MeetingAnswer} answer */
  async function give(answer) {
    for (const button of buttons) button.disabled = true;
    try {
      /** @type {{ answerMeeting: { reply: MeetingReply | null, userErrors: UserError[] } }} */
      const data = await run(
        'AppAnswerMeeting',
        { meeting: meeting.id, student: child.id, answer },
        { mutation: true },
      );
      const saved = data.answerMeeting.reply;
      if (saved) {
        buttons.forEach((button, index) => button.setAttribute('aria-pressed', String(ANSWERS[index] === saved.answer)));
        status.textContent = `${t('answerSaved', t(saved.answer))} ${describe(saved)}`;
      } else {
        const code = data.answerMeeting.userErrors[0]?.code;
        status.textContent =
          code === 'MEETING_STARTED' || code === 'MEETING_CANCELLED' ? t('answerClosed') : t('answerFailed');
      }
    } catch {
      status.textContent = t('answerFailed');
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  }

  return h(
    'div',
    { class: 'answer', role: 'group', 'aria-labelledby': legendId },
    h('h4', { id: legendId }, t('yourAnswer')),
    h('div', { class: 'answer-buttons' }, buttons),
    status,
  );
}

/**
 * @param {Meeting} meeting
 * @param {Child} child
 * @param {boolean} parent whether the viewer answers (a student reads only)
 * @param {Date} now
 */
function card(meeting, child, parent, now) {
  const reply = (meeting.myReplies ?? []).find((given) => given.student?.id === child.id);
  const cancelled = meeting.cancelledAt !== null;
  const open = !cancelled && new Date(meeting.startsAt) > now;
  const titleId = `meeting-${meeting.id}`;
  return h(
    'li',
    { class: cancelled ? 'card meeting cancelled' : 'card meeting' },
    h(
      'article',
      { 'aria-labelledby': titleId },
      h(
        'p',
        { class: 'news-meta' },
        meeting.schoolClass ? t('classMeeting', meeting.schoolClass.name) : t('schoolMeeting'),
      ),
      h('h3', { id: titleId }, meeting.title),
      cancelled &&
        h('p', { class: 'change' }, h('strong', {}, t('meetingCancelled')), meeting.cancelReason ?? ''),
      h('p', { class: 'meeting-when' }, h('time', { datetime: meeting.startsAt }, when(meeting))),
      meeting.movedFrom && h('p', { class: 'change' }, t('meetingMoved', dateTime(new Date(meeting.movedFrom)))),
      meeting.place && h('p', {}, t('meetingPlace', meeting.place)),
      meeting.onlineUrl &&
        h('p', {}, h('a', { href: meeting.onlineUrl, rel: 'noopener noreferrer', target: '_blank' }, t('meetingOnline'))),
      meeting.organiser && h('p', { class: 'who' }, t('meetingOrganiser', meeting.organiser.fullName)),
      meeting.agenda && h('div', {}, h('h4', {}, t('meetingAgenda')), h('p', { class: 'news-text' }, meeting.agenda)),
      meeting.minutes && h('div', {}, h('h4', {}, t('meetingMinutes')), h('p', { class: 'news-text' }, meeting.minutes)),
      parent && answerBlock(meeting, child, reply, open),
    ),
  );
}

/**
 * @param {HTMLElement} main
 * @param {Child} child
 * @param {boolean} severalChildren
 * @param {boolean} parent whether the viewer is a parent of the child
 */
export async function showMeetings(main, child, severalChildren, parent) {
  const now = new Date();
  const coming = h('ul', { class: 'meetings', 'aria-labelledby': 'meetings-coming' });
  const past = h('ul', { class: 'meetings', 'aria-labelledby': 'meetings-past' });
  const none = h('p', { class: 'empty' }, t('noMeetings'));
  const pastHeading = h('h2', { id: 'meetings-past' }, t('pastMeetings'));
  const more = h('button', { type: 'button', class: 'more' }, t('showMore'));
  const failed = h('p', { class: 'alert', role: 'alert' });
  /** @type {string | null} */
  let after = null;
  /** @type {ChildPlace | undefined} */
  let place;

  /** The next page, latest start first: coming ones go on top of their list, soonest first. */
  async function page() {
    more.disabled = true;
    /** @type {MeetingsAnswer} */
    const data = await run('AppMeetings', { after });
    place ??= (data.viewer?.children ?? []).find((found) => found.id === child.id);
    const mine = (data.meetings?.edges ?? [])
      .map((edge) => edge.node)
      .filter(/** @returns {meeting is Meeting} */ (meeting) => meeting !== null)
      // A family's meetings are every child's: this screen keeps the ones of this child's class
      // and school (a student reading their own has only theirs).
      .filter((meeting) =>
        !place ||
        (meeting.schoolClass ? meeting.schoolClass.id === place.schoolClass?.id : meeting.school?.id === place.school?.id),
      );
    for (const meeting of mine) {
      const item = card(meeting, child, parent, now);
      if (new Date(meeting.endsAt) > now) coming.prepend(item);
      else past.append(item);
    }
    const info = data.meetings?.pageInfo;
    after = info?.endCursor ?? null;
    more.hidden = !info?.hasNextPage;
    more.disabled = false;
    none.hidden = coming.childElementCount > 0;
    pastHeading.hidden = past.childElementCount === 0;
  }

  more.addEventListener('click', () => {
    failed.textContent = '';
    page().catch(() => {
      more.disabled = false;
      failed.textContent = t('failed');
    });
  });
  await page();
  main.replaceChildren(
    ...childHeader(child, 'meetings', severalChildren),
    h('h2', { id: 'meetings-coming' }, t('comingMeetings')),
    none,
    coming,
    pastHeading,
    past,
    failed,
    more,
  );
}
