// Parent meetings of the class: scheduling one (day, time, place, agenda), who answered what,
// moving or cancelling an upcoming one, and the minutes once it has started.

import { run } from './api.js';
import { alertLine, field, localMoment, momentParts, schoolMoment, schoolTimes, statusLine, write } from './class-ui.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/**
 * @typedef {import('./types.js').LedClass} LedClass
 * @typedef {import('./types.js').ClassMeeting} ClassMeeting
 * @typedef {import('./types.js').MeetingInvitee} MeetingInvitee
 */

/**
 * @param {HTMLElement} box
 * @param {LedClass} schoolClass
 * @param {string} [done] what the last action did, for the status line
 */
export async function showMeetings(box, schoolClass, done = '') {
  /** @type {{ meetings: { edges: { node: ClassMeeting }[] } | null }} */
  const data = await run('AppClassMeetings');
  const meetings = (data.meetings?.edges ?? []).map((e) => e.node).filter((m) => m.schoolClass?.id === schoolClass.id);
  // Who answered is asked per meeting: the list also holds school meetings, whose answers
  // only their organiser and the administration may read.
  const answers = await Promise.all(
    meetings.map(async (m) => {
      /** @type {{ node: { invitees: { edges: { node: MeetingInvitee }[] } | null } | null }} */
      const found = await run('AppMeetingInvitees', { meeting: m.id });
      return (found.node?.invitees?.edges ?? []).map((e) => e.node);
    }),
  );
  const status = statusLine();
  status.textContent = done;
  const again = (/** @type {string} */ message) => showMeetings(box, schoolClass, message);
  box.replaceChildren(
    h('h2', {}, t('classMeetings')),
    status,
    scheduleForm(schoolClass, again),
    h('h2', {}, t('meetingsList')),
    meetings.length
      ? h('ul', { class: 'class-items' }, meetings.map((m, i) => h('li', {}, meetingCard(m, answers[i] ?? [], schoolClass.school?.timeZone, again))))
      : h('p', { class: 'empty' }, t('classNoMeetings')),
  );
  // The form just sent is gone with the redrawn section: the keyboard goes to what it did.
  if (done) status.focus();
}

/**
 * @param {LedClass} schoolClass
 * @param {(message: string) => Promise<void>} again
 */
function scheduleForm(schoolClass, again) {
  const alert = alertLine();
  const title = h('input', { required: true, maxlength: '200', value: t('meetingDefaultTitle') });
  const day = h('input', { type: 'date', required: true });
  const starts = h('input', { type: 'time', required: true, value: '18:00' });
  const ends = h('input', { type: 'time', required: true, value: '19:00' });
  const place = h('input', { required: true });
  const agenda = h('textarea', { rows: '4', required: true });
  const form = h(
    'form',
    { class: 'card class-form', id: 'schedule-meeting' },
    h('h3', {}, t('scheduleMeeting')),
    field('meeting-title', t('meetingTitle'), title),
    h('div', { class: 'row' }, field('meeting-day', t('meetingDay'), day), field('meeting-starts', t('meetingStarts'), starts), field('meeting-ends', t('meetingEnds'), ends)),
    schoolClass.school && h('p', { class: 'hint' }, t('schoolTimeZone', schoolClass.school.timeZone)),
    field('meeting-place', t('classMeetingPlace'), place),
    field('meeting-agenda', t('classMeetingAgenda'), agenda),
    alert,
    h('button', { type: 'submit', class: 'primary' }, t('scheduleMeetingButton')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const variables = {
      class: schoolClass.id,
      title: title.value.trim(),
      startsAt: localMoment(day.value, starts.value),
      endsAt: localMoment(day.value, ends.value),
      place: place.value.trim(),
      agenda: agenda.value.trim(),
    };
    const saved = await write(run('AppScheduleMeeting', variables, { mutation: true }), alert);
    if (saved) await again(t('meetingScheduled', title.value.trim()));
  });
  return form;
}

/**
 * One meeting: when and where, the answers, and what can still be done with it.
 * @param {ClassMeeting} meeting
 * @param {MeetingInvitee[]} invitees
 * @param {string | undefined} zone the school's time zone, which the times are given in
 * @param {(message: string) => Promise<void>} again
 */
function meetingCard(meeting, invitees, zone, again) {
  const started = new Date(meeting.startsAt) <= new Date();
  const cancelled = meeting.cancelledAt !== null;
  const coming = invitees.filter((i) => i.answer === 'WILL_ATTEND');
  const notComing = invitees.filter((i) => i.answer === 'CANNOT_ATTEND');
  const silent = invitees.filter((i) => i.answer === null);
  const who = (/** @type {MeetingInvitee[]} */ list) =>
    list.length
      ? h('ul', { class: 'names' }, list.map((i) => h('li', {}, t('parentOf', i.parentName ?? '—', i.student?.fullName ?? '—'))))
      : h('p', { class: 'empty' }, '—');
  return h(
    'article',
    { class: `card meeting${cancelled ? ' cancelled' : ''}`, 'aria-labelledby': `m-${meeting.id}` },
    h('h3', { id: `m-${meeting.id}` }, meeting.title),
    h('p', { class: 'when-where' }, schoolTimes(meeting.startsAt, meeting.endsAt, zone), meeting.place ? ` · ${meeting.place}` : ''),
    meeting.movedFrom && h('p', { class: 'change' }, t('meetingMovedFrom', schoolMoment(meeting.movedFrom, zone))),
    cancelled && h('p', { class: 'change' }, h('strong', {}, t('classMeetingCancelled')), meeting.cancelReason ?? ''),
    meeting.agenda && h('p', { class: 'text' }, meeting.agenda),
    h(
      'p',
      { class: 'answers' },
      t('meetingAnswers', coming.length, notComing.length, silent.length),
    ),
    invitees.length > 0 &&
      h(
        'details',
        {},
        h('summary', {}, t('meetingWho')),
        h('h4', {}, t('willAttend')),
        who(coming),
        h('h4', {}, t('cannotAttend')),
        who(notComing),
        h('h4', {}, t('noAnswer')),
        who(silent),
      ),
    meeting.minutes && h('div', {}, h('h4', {}, t('minutes')), h('p', { class: 'text' }, meeting.minutes)),
    !cancelled && !started && moveForm(meeting, zone, again),
    !cancelled && !started && cancelForm(meeting, again),
    !cancelled && started && minutesForm(meeting, again),
  );
}

/**
 * @param {ClassMeeting} meeting
 * @param {string | undefined} zone
 * @param {(message: string) => Promise<void>} again
 */
function moveForm(meeting, zone, again) {
  const alert = alertLine();
  const [startDay, startTime] = momentParts(meeting.startsAt, zone);
  const [, endTime] = momentParts(meeting.endsAt, zone);
  const day = h('input', { type: 'date', required: true, value: startDay });
  const starts = h('input', { type: 'time', required: true, value: startTime });
  const ends = h('input', { type: 'time', required: true, value: endTime });
  const form = h(
    'form',
    { class: 'class-form' },
    h('div', { class: 'row' }, field(`move-day-${meeting.id}`, t('meetingDay'), day), field(`move-starts-${meeting.id}`, t('meetingStarts'), starts), field(`move-ends-${meeting.id}`, t('meetingEnds'), ends)),
    h('p', { class: 'hint' }, t('moveResetsAnswers')),
    alert,
    h('button', { type: 'submit' }, t('moveMeetingButton')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const variables = { meeting: meeting.id, startsAt: localMoment(day.value, starts.value), endsAt: localMoment(day.value, ends.value) };
    const saved = await write(run('AppMoveMeeting', variables, { mutation: true }), alert);
    if (saved) await again(t('classMeetingMoved', meeting.title));
  });
  return h('details', { class: 'action' }, h('summary', {}, t('moveMeeting')), form);
}

/**
 * @param {ClassMeeting} meeting
 * @param {(message: string) => Promise<void>} again
 */
function cancelForm(meeting, again) {
  const alert = alertLine();
  const reason = h('input', { required: true, maxlength: '500' });
  const form = h(
    'form',
    { class: 'class-form' },
    field(`cancel-reason-${meeting.id}`, t('cancelReason'), reason),
    alert,
    h('button', { type: 'submit' }, t('cancelMeetingButton')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const saved = await write(run('AppCancelMeeting', { meeting: meeting.id, reason: reason.value.trim() }, { mutation: true }), alert);
    if (saved) await again(t('meetingCancelledDone', meeting.title));
  });
  return h('details', { class: 'action' }, h('summary', {}, t('cancelMeeting')), form);
}

/**
 * @param {ClassMeeting} meeting
 * @param {(message: string) => Promise<void>} again
 */
function minutesForm(meeting, again) {
  const alert = alertLine();
  const minutes = h('textarea', { rows: '5', required: true });
  minutes.value = meeting.minutes ?? '';
  const form = h(
    'form',
    { class: 'class-form' },
    field(`minutes-${meeting.id}`, t('minutes'), minutes),
    alert,
    h('button', { type: 'submit' }, t('saveMinutes')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const saved = await write(run('AppAddMeetingMinutes', { meeting: meeting.id, minutes: minutes.value.trim() }, { mutation: true }), alert);
    if (saved) await again(t('minutesSaved', meeting.title));
  });
  return h('details', { class: 'action' }, h('summary', {}, meeting.minutes ? t('editMinutes') : t('addMinutes')), form);
}
