// Conversations with teachers, listed: a family's threads about one child (with whom, the
// last message, how many are unread) with the class's parents' group, and a form to write to
// one of the child's teachers; a teacher's threads with parents. The list follows new
// messages live. Loaded only when opened (main.js), so the week's first load stays without it.

import { run } from './api.js';
import { childHeader } from './child.js';
import { h } from './dom.js';
import { dateTime, t } from './i18n.js';
import { subscribe } from './live.js';
import { SESSION_ENDED } from './week.js';

/**
 * @typedef {import('./types.js').Viewer} Viewer
 * @typedef {import('./types.js').Child} Child
 * @typedef {import('./types.js').ConversationItem} ConversationItem
 * @typedef {import('./types.js').ConversationPage} ConversationPage
 * @typedef {import('./types.js').ConversationUpdate} ConversationUpdate
 * @typedef {import('./types.js').TalkStudent} TalkStudent
 * @typedef {import('./types.js').UserError} UserError
 */

/** A preview of the last message: the list shows a line of it, the thread the rest. */
const PREVIEW = 140;

/**
 * The nodes of a connection's edges, those that could not be loaded left out.
 * @template T
 * @param {{ edges: ({ node: T | null } | null)[] | null } | null | undefined} connection
 * @returns {T[]}
 */
export function nodes(connection) {
  return (connection?.edges ?? []).flatMap((edge) => (edge?.node ? [edge.node] : []));
}

/**
 * Who the conversation is with, from the viewer's side: the teacher for a parent, the parent
 * (and the child) for a teacher, the class for a group.
 * @param {{ kind: string, teacher: { fullName: string } | null, parent: { fullName: string, isViewer: boolean } | null, schoolClass: { name: string } | null }} conversation
 */
export function counterpart(conversation) {
  if (conversation.kind === 'CLASS_GROUP') return t('classGroup', conversation.schoolClass?.name ?? '');
  if (conversation.parent?.isViewer) return conversation.teacher?.fullName ?? '';
  return conversation.parent?.fullName ?? '';
}

/**
 * The student a thread is about, with the class: "Крылов Семён Сергеевич, 9Б".
 * @param {{ student: Child | null }} conversation
 */
export function studentLine(conversation) {
  const student = conversation.student;
  if (!student) return '';
  return t('aboutStudent', [student.fullName, student.schoolClass?.name].filter(Boolean).join(', '));
}

/** @param {string} text */
function preview(text) {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > PREVIEW ? `${line.slice(0, PREVIEW - 1)}…` : line;
}

/**
 * One conversation in a list: a link to it with whom, about whom, the last message and when,
 * the unread count and whether it is closed.
 * @param {ConversationItem} conversation
 * @param {boolean} showStudent whether to name the child (not on a child's own page)
 */
function conversationItem(conversation, showStudent) {
  const [last] = nodes(conversation.messages);
  const unread = conversation.unreadCount ?? 0;
  return h(
    'li',
    {},
    h(
      'a',
      {
        class: `card conversation${unread > 0 ? ' unread' : ''}`,
        href: `#/conversation/${encodeURIComponent(conversation.id)}`,
        'data-conversation': conversation.id,
      },
      h(
        'span',
        { class: 'conversation-head' },
        h('span', { class: 'with' }, counterpart(conversation)),
        unread > 0 &&
          h(
            'span',
            { class: 'badge' },
            h('span', { 'aria-hidden': 'true' }, unread),
            h('span', { class: 'visually-hidden' }, ` ${t('unreadCount', unread)}`),
          ),
      ),
      showStudent && conversation.student && h('span', { class: 'about' }, studentLine(conversation)),
      last
        ? h(
            'span',
            { class: 'last' },
            h('span', { class: 'author' }, `${last.isOwn ? t('you') : (last.author?.fullName ?? '')}: `),
            preview(last.text),
          )
        : h('span', { class: 'last empty' }, t('noMessages')),
      h(
        'span',
        { class: 'at' },
        h('time', { datetime: conversation.lastActivityAt }, dateTime(new Date(conversation.lastActivityAt))),
        conversation.closedAt && ` · ${t('closed')}`,
      ),
    ),
  );
}

/**
 * A list of conversations, or a word that there are none.
 * @param {ConversationItem[]} conversations
 * @param {boolean} showStudent
 */
function conversationList(conversations, showStudent) {
  if (conversations.length === 0) return h('p', { class: 'empty conversations' }, t('noConversations'));
  return h('ul', { class: 'conversations' }, conversations.map((c) => conversationItem(c, showStudent)));
}

/**
 * The teachers a parent may write to about the child: each of the child's teachers once, with
 * the subjects they teach the child, the class teacher said as such.
 * @param {TalkStudent} student
 * @returns {{ id: string, label: string }[]}
 */
function teachersOf(student) {
  /** @type {Map<string, { name: string, roles: string[] }>} */
  const found = new Map();
  const lead = student.schoolClass?.classTeacher;
  if (lead) found.set(lead.id, { name: lead.fullName, roles: [t('classTeacher')] });
  for (const { subject, teacher } of student.subjectTeachers) {
    const entry = found.get(teacher.id) ?? { name: teacher.fullName, roles: [] };
    if (!entry.roles.includes(subject.name)) entry.roles.push(subject.name);
    found.set(teacher.id, entry);
  }
  return [...found].map(([id, { name, roles }]) => ({ id, label: `${name} — ${roles.join(', ')}` }));
}

/**
 * What a refused write says: the server's words, or the app's for the cases a family meets.
 * @param {UserError} error
 */
export function refusal(error) {
  if (error.code === 'TOO_MANY_ATTEMPTS') return t('tooManyMessages', Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60)));
  return t('messageRefused', error.message);
}

/**
 * The textarea of a message, with its label and the keys: Ctrl+Enter (or ⌘+Enter) sends,
 * Enter alone starts a new line, as a letter is written.
 * @param {string} id
 */
export function messageField(id) {
  const field = h('textarea', {
    id,
    name: 'text',
    rows: '4',
    maxlength: '4000',
    required: true,
    'aria-describedby': `${id}-keys`,
  });
  field.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      field.form?.requestSubmit();
    }
  });
  return [
    h('label', { for: id }, t('message')),
    field,
    h('p', { class: 'hint', id: `${id}-keys` }, t('sendKeys')),
  ];
}

/**
 * The form to write to one of the child's teachers. A thread with that teacher about the
 * child that is still open takes the message; otherwise a new one starts. Either way the
 * thread opens.
 * @param {TalkStudent} student
 */
function newConversation(student) {
  const teachers = teachersOf(student);
  if (teachers.length === 0) return h('p', { class: 'empty' }, t('noTeachers'));
  const to = h(
    'select',
    { id: 'talk-to', name: 'teacher', required: true },
    h('option', { value: '' }, t('pickTeacher')),
    teachers.map((teacher) => h('option', { value: teacher.id }, teacher.label)),
  );
  const alert = h('p', { class: 'alert', role: 'alert' });
  const send = h('button', { type: 'submit', class: 'primary' }, t('send'));
  const form = h(
    'form',
    { class: 'composer new-conversation', 'aria-labelledby': 'talk-new' },
    h('h2', { id: 'talk-new' }, t('newConversation')),
    h('label', { for: 'talk-to' }, t('to')),
    to,
    ...messageField('talk-text'),
    alert,
    send,
  );
  const text = /** @type {HTMLTextAreaElement} */ (form.querySelector('textarea'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (send.disabled) return;
    if (!to.value) {
      alert.textContent = t('noTeacherPicked');
      to.focus();
      return;
    }
    if (!text.value.trim()) {
      alert.textContent = t('emptyMessage');
      text.focus();
      return;
    }
    send.disabled = true;
    alert.textContent = '';
    void (async () => {
      try {
        /** @type {{ startConversation: { conversation: { id: string } | null, userErrors: UserError[] } | null }} */
        const data = await run(
          'AppStartConversation',
          { student: student.id, teacher: to.value, text: text.value },
          { mutation: true },
        );
        const [error] = data.startConversation?.userErrors ?? [];
        const started = data.startConversation?.conversation;
        if (error || !started) {
          alert.textContent = error ? refusal(error) : t('failed');
          return;
        }
        location.hash = `#/conversation/${encodeURIComponent(started.id)}`;
      } catch {
        alert.textContent = t('notSent');
      } finally {
        send.disabled = false;
      }
    })();
  });
  return form;
}

/**
 * Keeps a list on the screen current: any new message, read receipt or closing in the
 * viewer's conversations asks the list again and draws it anew; a message from someone else
 * is said politely. Returns what stops it.
 * @param {HTMLElement} main
 * @param {() => Promise<ConversationItem[]>} load the list as it is now
 * @param {boolean} showStudent
 * @returns {() => void}
 */
function followList(main, load, showStudent) {
  let following = true;
  let queue = Promise.resolve();
  /** @param {ConversationUpdate | null} update */
  const refresh = (update) => {
    queue = queue
      .then(async () => {
        const conversations = await load();
        if (!following) return;
        // The focus stays on the conversation it was on, wherever the list puts it now.
        const focused = /** @type {HTMLElement | null} */ (document.activeElement?.closest('[data-conversation]') ?? null);
        main.querySelector('.conversations')?.replaceWith(conversationList(conversations, showStudent));
        if (focused) {
          const again = [...main.querySelectorAll('[data-conversation]')].find(
            (link) => link instanceof HTMLElement && link.dataset['conversation'] === focused.dataset['conversation'],
          );
          if (again instanceof HTMLElement) again.focus();
        }
        const shown = conversations.some((c) => c.id === update?.conversation.id);
        const message = update?.message;
        const live = main.querySelector('.live');
        if (live && shown && message && !message.isOwn) {
          live.textContent = t('liveMessage', message.author?.fullName ?? '', preview(message.text));
        }
      })
      .catch((error) => console.warn(error));
  };
  const stop = subscribe(
    'AppConversationUpdates',
    { conversation: null },
    {
      next: (/** @type {{ conversationUpdates: ConversationUpdate }} */ data) => refresh(data.conversationUpdates),
      resumed: () => refresh(null),
      ended: (code) => {
        if (code) window.dispatchEvent(new Event(SESSION_ENDED));
      },
    },
  );
  return () => {
    following = false;
    stop();
  };
}

/**
 * A child's conversations, for their parent: the threads with the child's teachers, the
 * class's group, and writing to a teacher.
 * @param {HTMLElement} main
 * @param {Child & { id: string }} child
 * @param {boolean} severalChildren
 * @returns {Promise<() => void>}
 */
async function showChildTalk(main, child, severalChildren) {
  /** @type {TalkStudent | null} */
  let student = null;
  /** @type {string | null} */
  let groupClass = null;
  // Every page asked so far is asked again when the list is drawn anew.
  let pages = 1;
  const more = h('button', { type: 'button', class: 'more' }, t('more'));

  const load = async () => {
    /** @type {ConversationItem[]} */
    const threads = [];
    /** @type {string | null} */
    let after = null;
    for (let page = 0; page < pages; page += 1) {
      /** @type {{ student: TalkStudent | null, conversations: ConversationPage | null }} */
      const data = await run('AppTalk', { student: child.id, after });
      student = data.student;
      threads.push(...nodes(data.conversations));
      after = data.conversations?.pageInfo.hasNextPage ? data.conversations.pageInfo.endCursor : null;
      if (!after) break;
    }
    more.hidden = !after;
    groupClass = student?.schoolClass?.id ?? null;
    if (groupClass) {
      /** @type {{ classConversation: ConversationItem | null }} */
      const group = await run('AppClassGroup', { class: groupClass });
      if (group.classConversation) threads.unshift(group.classConversation);
    }
    return threads;
  };

  const conversations = await load();
  if (!student) throw new Error('NOT_FOUND');
  more.addEventListener('click', () => {
    pages += 1;
    void load()
      .then((list) => main.querySelector('.conversations')?.replaceWith(conversationList(list, false)))
      .catch((error) => console.warn(error));
  });
  main.replaceChildren(
    ...childHeader(child, 'talk', severalChildren),
    h('p', { class: 'live', role: 'status', 'aria-live': 'polite' }),
    h('h2', {}, t('conversations')),
    conversationList(conversations, false),
    more,
    newConversation(student),
  );
  return followList(main, load, false);
}

/**
 * A teacher's conversations: the threads with parents and the groups of the class they lead.
 * @param {HTMLElement} main
 * @returns {Promise<() => void>}
 */
async function showTeacherTalk(main) {
  let pages = 1;
  const more = h('button', { type: 'button', class: 'more' }, t('more'));
  const load = async () => {
    /** @type {ConversationItem[]} */
    const threads = [];
    /** @type {string | null} */
    let after = null;
    for (let page = 0; page < pages; page += 1) {
      /** @type {{ conversations: ConversationPage | null }} */
      const data = await run('AppConversations', { after });
      threads.push(...nodes(data.conversations));
      after = data.conversations?.pageInfo.hasNextPage ? data.conversations.pageInfo.endCursor : null;
      if (!after) break;
    }
    more.hidden = !after;
    return threads;
  };
  const conversations = await load();
  more.addEventListener('click', () => {
    pages += 1;
    void load()
      .then((list) => main.querySelector('.conversations')?.replaceWith(conversationList(list, true)))
      .catch((error) => console.warn(error));
  });
  main.replaceChildren(
    h('div', { class: 'child-head' }, h('h1', { tabindex: '-1' }, t('conversations')), h('a', { href: '#/journal', class: 'other' }, t('journals'))),
    h('p', { class: 'live', role: 'status', 'aria-live': 'polite' }),
    conversationList(conversations, true),
    more,
  );
  return followList(main, load, true);
}

/**
 * The conversations screen (`#/talk/<child>` for a family, `#/talk` for a teacher). Returns
 * what stops following the list live, for main.js to call when another screen is drawn.
 * @param {HTMLElement} main
 * @param {Viewer} who
 * @param {string} id the child's ID, or '' for all of the viewer's conversations
 * @returns {Promise<() => void>}
 */
export async function show(main, who, id) {
  const children = who.children ?? [];
  const child = /** @type {(Child & { id: string }) | undefined} */ (children.find((c) => c.id === id));
  if (child) return showChildTalk(main, child, children.length > 1);
  if (who.teacher) return showTeacherTalk(main);
  const [only] = children;
  if (children.length === 1 && only) {
    location.replace(`#/talk/${encodeURIComponent(only.id)}`);
    return () => {};
  }
  // A parent of several: whose conversations to open.
  main.replaceChildren(
    h('h1', { tabindex: '-1' }, t('pickChild')),
    h(
      'ul',
      { class: 'children' },
      children.map((c) =>
        h(
          'li',
          {},
          h(
            'a',
            { class: 'card child', href: `#/talk/${encodeURIComponent(c.id)}` },
            h('span', { class: 'name' }, c.fullName),
            c.schoolClass && h('span', { class: 'class' }, c.schoolClass.name),
          ),
        ),
      ),
    ),
  );
  return () => {};
}
