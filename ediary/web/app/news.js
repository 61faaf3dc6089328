// School and class news for a child's family, newest first, ten at a time: "Show more"
// continues from the connection's cursor. Class news of another child's class is left out, as
// the screen is this child's.

import { run } from './api.js';
import { childHeader } from './child.js';
import { h } from './dom.js';
import { dateTime, t } from './i18n.js';

/**
 * @typedef {import('./types.js').Child} Child
 * @typedef {import('./types.js').Announcement} Announcement
 * @typedef {import('./types.js').ChildPlace} ChildPlace
 * @typedef {{
 *   viewer: { children: ChildPlace[] | null, student: ChildPlace | null } | null,
 *   announcements: import('./types.js').Connection<Announcement> | null
 * }} NewsAnswer
 */

/** @type {Record<Announcement['kind'], import('./i18n.js').Key>} */
const KINDS = {
  NEWS: 'kindNews',
  QUARANTINE: 'kindQuarantine',
  COMPETITION: 'kindCompetition',
  SCHEDULE_CHANGE: 'kindScheduleChange',
};

/** @param {Announcement} item */
function source(item) {
  if (item.audience === 'CLASS') return t('newsClass', item.schoolClass?.name ?? '');
  if (item.audience === 'BLOG') return t('newsBlog', item.author?.fullName ?? '');
  return t('newsSchool');
}

/**
 * One announcement as a card: its kind and where it comes from, the title, when, the text as
 * written (line breaks kept) and its files.
 * @param {Announcement} item
 */
function card(item) {
  const published = new Date(item.publishedAt);
  return h(
    'li',
    { class: `card announcement kind-${item.kind.toLowerCase()}` },
    h(
      'article',
      { 'aria-labelledby': `news-${item.id}` },
      h(
        'p',
        { class: 'news-meta' },
        h('span', { class: 'news-kind' }, t(KINDS[item.kind])),
        ' · ',
        source(item),
      ),
      h('h2', { id: `news-${item.id}`, tabindex: '-1' }, item.title),
      h('p', { class: 'news-when' }, h('time', { datetime: item.publishedAt }, dateTime(published))),
      h('p', { class: 'news-text' }, item.text),
      item.attachments.length > 0 &&
        h(
          'ul',
          { class: 'files', 'aria-label': t('attachments') },
          item.attachments.map((file) =>
            h(
              'li',
              {},
              h('a', { href: file.url, download: file.filename }, file.filename),
              ` (${t('attachmentSize', Math.max(1, Math.round(file.size / 1024)))})`,
            ),
          ),
        ),
    ),
  );
}

/**
 * @param {HTMLElement} main
 * @param {Child} child
 * @param {boolean} severalChildren
 */
export async function showNews(main, child, severalChildren) {
  const list = h('ul', { class: 'news', 'aria-label': t('newsList') });
  const more = h('button', { type: 'button', class: 'more' }, t('showMore'));
  const empty = h('p', { class: 'empty' }, t('noNews'));
  const failed = h('p', { class: 'alert', role: 'alert' });
  /** @type {string | null} */
  let after = null;
  /** @type {string | null | undefined} the child's class, once known */
  let classId;

  /** The next page; its first item takes the focus when asked for by the button. */
  async function page(focus = false) {
    more.disabled = true;
    /** @type {NewsAnswer} */
    const data = await run('AppNews', { after });
    if (classId === undefined) {
      const places = [...(data.viewer?.children ?? []), ...(data.viewer?.student ? [data.viewer.student] : [])];
      classId = places.find((place) => place.id === child.id)?.schoolClass?.id ?? null;
    }
    const items = (data.announcements?.edges ?? [])
      .map((edge) => edge.node)
      .filter(/** @returns {item is Announcement} */ (item) => item !== null)
      .filter((item) => item.audience !== 'CLASS' || item.schoolClass?.id === classId);
    const cards = items.map(card);
    list.append(...cards);
    const info = data.announcements?.pageInfo;
    after = info?.endCursor ?? null;
    more.hidden = !info?.hasNextPage;
    more.disabled = false;
    empty.hidden = list.childElementCount > 0;
    if (focus) /** @type {HTMLElement | null} */ (cards[0]?.querySelector('h2') ?? null)?.focus();
  }

  more.addEventListener('click', () => {
    failed.textContent = '';
    page(true).catch(() => {
      more.disabled = false;
      failed.textContent = t('failed');
    });
  });
  await page();
  main.replaceChildren(...childHeader(child, 'news', severalChildren), empty, list, failed, more);
}
