// One conversation: its messages in order, the oldest first, and a composer. New messages
// arrive live over the WebSocket and are said politely; what the viewer sees is marked read;
// a closed conversation is read-only, with a note saying so. The teacher of a parent-teacher
// thread may close it. Loaded only when opened (main.js).

import { run } from './api.js';
import { h } from './dom.js';
import { dateTime, t } from './i18n.js';
import { subscribe } from './live.js';
import { counterpart, messageField, nodes, refusal, studentLine } from './talk.js';
import { SESSION_ENDED } from './week.js';

/**
 * @typedef {import('./types.js').Viewer} Viewer
 * @typedef {import('./types.js').Conversation} Conversation
 * @typedef {import('./types.js').ConversationUpdate} ConversationUpdate
 * @typedef {import('./types.js').Message} Message
 * @typedef {import('./types.js').UserError} UserError
 */

/**
 * One message: who wrote it, the text as written (text, never markup, its lines kept), when.
 * @param {Message} message
 */
function messageItem(message) {
  return h(
    'li',
    { class: `message ${message.isOwn ? 'own' : 'theirs'}`, 'data-message': message.id },
    h('p', { class: 'author' }, message.isOwn ? t('you') : (message.author?.fullName ?? '')),
    h('p', { class: 'text' }, message.text),
    h('time', { datetime: message.createdAt }, dateTime(new Date(message.createdAt))),
  );
}

/**
 * @param {string} closedAt
 */
function closedNote(closedAt) {
  return h('p', { class: 'closed-note', role: 'note' }, t('closedNote', dateTime(new Date(closedAt))));
}

/**
 * The conversation screen (`#/conversation/<id>`). Returns what stops following it live.
 * @param {HTMLElement} main
 * @param {Viewer} who
 * @param {string} id the conversation's ID
 * @returns {Promise<() => void>}
 */
export async function show(main, who, id) {
  /** @type {{ conversation: Conversation | null }} */
  const data = await run('AppConversation', { conversation: id, after: null });
  const conversation = data.conversation;
  if (!conversation?.messages) throw new Error('NOT_FOUND');

  /** @type {Message[]} oldest first */
  const messages = nodes(conversation.messages).reverse();
  const known = new Set(messages.map((m) => m.id));
  let earlier = conversation.messages.pageInfo.hasNextPage ? conversation.messages.pageInfo.endCursor : null;
  let closedAt = conversation.closedAt;
  // How far the other side of a parent-teacher thread has read: "read" under the viewer's
  // last message they have seen.
  let theirRead =
    conversation.kind === 'DIRECT'
      ? (conversation.readReceipts ?? []).find((r) => r.participant && !r.participant.isViewer)?.lastReadMessageId ?? null
      : null;

  const list = h('ol', { class: 'messages' }, messages.map(messageItem));
  const scroller = h(
    'div',
    { class: 'thread', tabindex: '0', role: 'region', 'aria-label': t('messagesLabel') },
    list,
  );
  // What arrives live is said here, politely; the eyes see it in the thread itself.
  const live = h('p', { class: 'visually-hidden talk-status', role: 'status', 'aria-live': 'polite' });
  const older = h('button', { type: 'button', class: 'more' }, t('earlier'));
  older.hidden = !earlier;

  const markSeen = () => {
    list.querySelectorAll('.seen').forEach((mark) => mark.remove());
    if (!theirRead) return;
    const upTo = messages.findIndex((m) => m.id === theirRead);
    const lastOwn = messages
      .slice(0, upTo + 1)
      .filter((m) => m.isOwn)
      .at(-1);
    const item = lastOwn && list.querySelector(`[data-message="${CSS.escape(lastOwn.id)}"]`);
    item?.append(h('span', { class: 'seen' }, t('seen')));
  };

  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  const toBottom = () => {
    scroller.scrollTop = scroller.scrollHeight;
  };

  /** @param {Message} message @returns {boolean} whether it was new here */
  const append = (message) => {
    if (known.has(message.id)) return false;
    known.add(message.id);
    const follow = atBottom();
    messages.push(message);
    list.append(messageItem(message));
    list.querySelector('.empty')?.remove();
    if (follow || message.isOwn) toBottom();
    return true;
  };

  // Read up to the latest message, only while the page is in view: a hidden tab has not seen.
  let unread = (conversation.unreadCount ?? 0) > 0;
  const read = () => {
    if (!unread || document.visibilityState !== 'visible') return;
    unread = false;
    const latest = messages.at(-1);
    void run('AppMarkConversationRead', { conversation: id, message: latest?.id ?? null }, { mutation: true }).catch(
      (error) => console.warn(error),
    );
  };
  document.addEventListener('visibilitychange', read);

  older.addEventListener('click', () => {
    if (!earlier) return;
    void (async () => {
      /** @type {{ conversation: Conversation | null }} */
      const page = await run('AppConversation', { conversation: id, after: earlier });
      const found = nodes(page.conversation?.messages).filter((m) => !known.has(m.id)).reverse();
      found.forEach((m) => known.add(m.id));
      messages.unshift(...found);
      const height = scroller.scrollHeight;
      list.prepend(...found.map(messageItem));
      // The messages read so far stay where they were.
      scroller.scrollTop += scroller.scrollHeight - height;
      earlier = page.conversation?.messages?.pageInfo.hasNextPage ? page.conversation.messages.pageInfo.endCursor : null;
      older.hidden = !earlier;
      markSeen();
    })().catch((error) => console.warn(error));
  });

  // --- the composer, or the note of a closed conversation ---------------------------------
  const alert = h('p', { class: 'alert', role: 'alert' });
  const send = h('button', { type: 'submit', class: 'primary' }, t('send'));
  const composer = h(
    'form',
    { class: 'composer', 'aria-label': t('message') },
    ...messageField('message-text'),
    alert,
    send,
  );
  const text = /** @type {HTMLTextAreaElement} */ (composer.querySelector('textarea'));

  const close = () => {
    if (!closedAt) return;
    const hadFocus = composer.contains(document.activeElement);
    composer.replaceWith(closedNote(closedAt));
    closeButton?.remove();
    if (hadFocus) /** @type {HTMLElement | null} */ (main.querySelector('h1'))?.focus();
  };

  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    if (send.disabled) return;
    if (!text.value.trim()) {
      alert.textContent = t('emptyMessage');
      return;
    }
    send.disabled = true;
    alert.textContent = '';
    void (async () => {
      try {
        /** @type {{ sendMessage: { message: Message | null, userErrors: UserError[] } | null }} */
        const answer = await run('AppSendMessage', { conversation: id, text: text.value }, { mutation: true });
        const [error] = answer.sendMessage?.userErrors ?? [];
        const message = answer.sendMessage?.message;
        if (error?.code === 'CONVERSATION_CLOSED') {
          closedAt ??= new Date().toISOString();
          live.textContent = t('liveClosed');
          close();
          return;
        }
        if (error || !message) {
          alert.textContent = error ? refusal(error) : t('failed');
          return;
        }
        text.value = '';
        append(message);
        live.textContent = t('sent');
        text.focus();
      } catch {
        alert.textContent = t('notSent');
      } finally {
        send.disabled = false;
      }
    })();
  });

  // The teacher of a parent-teacher thread may close it.
  const mayClose = conversation.kind === 'DIRECT' && Boolean(who.teacher) && conversation.teacher?.id === who.teacher?.id;
  const closeButton =
    mayClose && !closedAt
      ? h(
          'button',
          {
            type: 'button',
            class: 'close-conversation',
            onclick: () => {
              if (!window.confirm(t('confirmClose'))) return;
              void (async () => {
                /** @type {{ closeConversation: { conversation: { closedAt: string | null } | null, userErrors: UserError[] } | null }} */
                const answer = await run('AppCloseConversation', { conversation: id }, { mutation: true });
                const [error] = answer.closeConversation?.userErrors ?? [];
                if (error) {
                  alert.textContent = refusal(error);
                  return;
                }
                closedAt = answer.closeConversation?.conversation?.closedAt ?? new Date().toISOString();
                live.textContent = t('liveClosed');
                close();
              })().catch(() => {
                alert.textContent = t('failed');
              });
            },
          },
          t('closeConversation'),
        )
      : null;

  const back = conversation.student && (who.children ?? []).some((c) => c.id === conversation.student?.id)
    ? `#/talk/${encodeURIComponent(conversation.student.id)}`
    : '#/talk';
  main.replaceChildren(
    h('a', { href: back, class: 'back' }, t('allConversations')),
    h('div', { class: 'child-head' }, h('h1', { tabindex: '-1' }, counterpart(conversation)), closeButton),
    conversation.student ? h('p', { class: 'about' }, studentLine(conversation)) : '',
    older,
    scroller,
    live,
    closedAt ? closedNote(closedAt) : composer,
  );
  if (messages.length === 0) list.append(h('li', { class: 'empty' }, t('noMessages')));
  markSeen();
  toBottom();
  read();

  /** @param {ConversationUpdate} update */
  const next = (update) => {
    if (update.conversation.id !== id) return;
    const message = update.message;
    if (update.kind === 'MESSAGE_POSTED' && message && append(message) && !message.isOwn) {
      live.textContent = t('liveMessage', message.author?.fullName ?? '', message.text);
      unread = true;
      read();
    } else if (update.kind === 'MESSAGE_READ' && update.readReceipt?.participant && !update.readReceipt.participant.isViewer) {
      if (conversation.kind === 'DIRECT') {
        theirRead = update.readReceipt.lastReadMessageId;
        markSeen();
      }
    } else if (update.kind === 'CONVERSATION_CLOSED' && update.conversation.closedAt && !closedAt) {
      closedAt = update.conversation.closedAt;
      live.textContent = t('liveClosed');
      close();
    }
  };

  // After a dropped connection: what was missed is asked, the newest page, and added.
  const catchUp = async () => {
    /** @type {{ conversation: Conversation | null }} */
    const page = await run('AppConversation', { conversation: id, after: null });
    const current = page.conversation;
    if (!current) return;
    for (const message of nodes(current.messages).reverse()) append(message);
    if (current.closedAt && !closedAt) {
      closedAt = current.closedAt;
      close();
    }
    unread = (current.unreadCount ?? 0) > 0;
    read();
  };

  const stop = subscribe(
    'AppConversationUpdates',
    { conversation: id },
    {
      next: (/** @type {{ conversationUpdates: ConversationUpdate }} */ data) => next(data.conversationUpdates),
      resumed: () => void catchUp().catch((error) => console.warn(error)),
      ended: (code) => {
        if (code) window.dispatchEvent(new Event(SESSION_ENDED));
      },
    },
  );
  return () => {
    stop();
    document.removeEventListener('visibilitychange', read);
  };
}
