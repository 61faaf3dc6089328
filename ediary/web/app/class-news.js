// The class's news: posting an announcement to the families of the class, the class's news
// as they see it, and changing or withdrawing one's own.

import { run } from './api.js';
import { alertLine, field, statusLine, write } from './class-ui.js';
import { h } from './dom.js';
import { dateTime, t } from './i18n.js';

/**
 * @typedef {import('./types.js').LedClass} LedClass
 * @typedef {import('./types.js').ClassAnnouncement} ClassAnnouncement
 */

const KINDS = ['NEWS', 'SCHEDULE_CHANGE', 'COMPETITION', 'QUARANTINE'];

/**
 * @param {HTMLElement} box
 * @param {LedClass} schoolClass
 * @param {string} [done]
 */
export async function showNews(box, schoolClass, done = '') {
  /** @type {{ announcements: { edges: { node: ClassAnnouncement }[] } | null, viewer: { teacher: { id: string } | null } | null }} */
  const data = await run('AppClassNews');
  const me = data.viewer?.teacher?.id;
  const items = (data.announcements?.edges ?? [])
    .map((e) => e.node)
    .filter((a) => a.audience === 'CLASS' && a.schoolClass?.id === schoolClass.id);
  const status = statusLine();
  status.textContent = done;
  const again = (/** @type {string} */ message) => showNews(box, schoolClass, message);
  box.replaceChildren(
    h('h2', {}, t('classNews')),
    status,
    newsForm(null, schoolClass, again),
    h('h2', {}, t('classNewsList')),
    items.length
      ? h('ul', { class: 'class-items' }, items.map((a) => h('li', {}, newsCard(a, a.author?.id === me, schoolClass, again))))
      : h('p', { class: 'empty' }, t('classNoNews')),
  );
  // The form just sent is gone with the redrawn section: the keyboard goes to what it did.
  if (done) status.focus();
}

/** @param {string} kind */
function kindLabel(kind) {
  return kind === 'SCHEDULE_CHANGE' ? t('newsKindSchedule') : kind === 'COMPETITION' ? t('newsKindCompetition') : kind === 'QUARANTINE' ? t('newsKindQuarantine') : t('newsKindNews');
}

/**
 * A form to post news, or to change `item`.
 * @param {ClassAnnouncement | null} item
 * @param {LedClass} schoolClass
 * @param {(message: string) => Promise<void>} again
 */
function newsForm(item, schoolClass, again) {
  const key = item ? `edit-${item.id}` : 'news';
  const alert = alertLine();
  const kind = h('select', {}, KINDS.map((k) => h('option', { value: k, selected: (item?.kind ?? 'NEWS') === k }, kindLabel(k))));
  const title = h('input', { required: true, maxlength: '200', value: item?.title ?? '' });
  const text = h('textarea', { rows: item ? '4' : '5', required: true });
  text.value = item?.text ?? '';
  const form = h(
    'form',
    { class: item ? 'class-form' : 'card class-form', id: item ? null : 'post-news' },
    !item && h('h3', {}, t('postNews')),
    field(`${key}-kind`, t('newsKind'), kind),
    field(`${key}-title`, t('newsTitle'), title),
    field(`${key}-text`, t('newsText'), text),
    !item && h('p', { class: 'hint' }, t('newsReach')),
    alert,
    h('button', { type: 'submit', class: item ? null : 'primary' }, item ? t('saveNews') : t('postNewsButton')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = { kind: kind.value, title: title.value.trim(), text: text.value.trim() };
    const saved = item
      ? await write(run('AppEditAnnouncement', { announcement: item.id, ...fields }, { mutation: true }), alert)
      : await write(run('AppPostAnnouncement', { class: schoolClass.id, ...fields }, { mutation: true }), alert);
    if (saved) await again(t(item ? 'newsSaved' : 'newsPosted', fields.title));
  });
  return form;
}

/**
 * @param {ClassAnnouncement} item
 * @param {boolean} mine only its author changes it
 * @param {LedClass} schoolClass
 * @param {(message: string) => Promise<void>} again
 */
function newsCard(item, mine, schoolClass, again) {
  const alert = alertLine();
  const withdraw = h('button', { type: 'button' }, t('withdrawNews'));
  withdraw.addEventListener('click', async () => {
    if (!confirm(t('withdrawNewsConfirm', item.title))) return;
    const saved = await write(run('AppWithdrawAnnouncement', { announcement: item.id }, { mutation: true }), alert);
    if (saved) await again(t('newsWithdrawn', item.title));
  });
  return h(
    'article',
    { class: 'card news', 'aria-labelledby': `n-${item.id}` },
    h('h3', { id: `n-${item.id}` }, item.title),
    h('p', { class: 'who' }, `${kindLabel(item.kind)} · ${dateTime(new Date(item.publishedAt))}${item.author ? ` · ${item.author.shortName}` : ''}`),
    h('p', { class: 'text' }, item.text),
    mine &&
      h('details', { class: 'action' }, h('summary', {}, t('editNews')), newsForm(item, schoolClass, again)),
    mine && withdraw,
    alert,
  );
}
