// "What is needed for a 5": the API's `markForecast` of one subject told in plain sentences,
// loaded when a family opens it under the subject on the marks screen (so the screen itself
// sends no query per subject).

import { run } from './api.js';
import { h } from './dom.js';
import { capital, decimal, kindName, markWord, shortDay, t, workFor } from './i18n.js';
import { day } from './weeks.js';

/**
 * @typedef {import('./types.js').MarkForecast} MarkForecast
 * @typedef {import('./types.js').MarksPlan} MarksPlan
 * @typedef {import('./types.js').ForecastWork} ForecastWork
 */

/**
 * @param {string} student
 * @param {string} subject
 * @param {number} target
 * @returns {Promise<MarkForecast | null>}
 */
export async function loadForecast(student, subject, target) {
  /** @type {{ markForecast: MarkForecast | null }} */
  const data = await run('AppMarkForecast', { student, subject, target });
  return data.markForecast;
}

/**
 * One way to the target in words: "две пятёрки", "одна пятёрка за контрольную (вес 2)".
 * A weight above 1 is named by the announced work that has it, when there is one: a family
 * knows "a test", not "weight 2".
 * @param {MarksPlan} plan
 * @param {ForecastWork[]} upcoming
 * @returns {string}
 */
export function planWords(plan, upcoming) {
  const marks = markWord(plan.value, plan.count);
  if (plan.weight === 1) return marks;
  const work = upcoming.find((item) => item.work.weight === plan.weight);
  return work ? t('needWeighted', marks, workFor(work.work.kind), plan.weight) : t('needWeight', marks, plan.weight);
}

/**
 * The plans worth saying, ordinary marks first: a plan is left out when another needs no more
 * marks of no heavier work ("one 5 of weight 3" says nothing once "one 5 of weight 2" is
 * there), since a heavier work is rarer.
 * @param {MarksPlan[]} plans
 * @returns {MarksPlan[]}
 */
export function usefulPlans(plans) {
  const useful = plans.filter(
    (plan, index) =>
      !plans.some(
        (other, at) =>
          at !== index &&
          other.count <= plan.count &&
          other.weight <= plan.weight &&
          (other.count < plan.count || other.weight < plan.weight || at < index),
      ),
  );
  return useful.sort((a, b) => a.weight - b.weight);
}

/**
 * The forecast in sentences, the most important first: given, already there, what to get
 * (only the plans that fit in the lessons left), or why it cannot be had.
 * @param {MarkForecast} found
 * @returns {string[]}
 */
export function forecastSentences(found) {
  const target = found.target;
  if (found.given !== null) return [t('needGiven', found.given)];
  if (found.reached) {
    return [t('needReached', capital(markWord(target, 'name')), found.average === null ? '—' : decimal(found.average))];
  }
  const sentences = [];
  const fitting = usefulPlans(found.plans.filter((plan) => plan.fits));
  if (fitting.length > 0) {
    sentences.push(t('needPlans', markWord(target, 'of'), fitting.map((plan) => planWords(plan, found.upcomingWork)).join(t('needOr'))));
  } else if (found.plans[0]) {
    sentences.push(t('needTooFew', markWord(target, 'of'), planWords(found.plans[0], found.upcomingWork), found.remainingLessons));
  } else {
    sentences.push(t('needNever', capital(markWord(target, 'object'))));
  }
  if (found.plans.length > 0) sentences.push(t('needLessonsLeft', found.remainingLessons));
  if (found.neededOnUpcomingWork !== null) {
    sentences.push(t('needOnAllWork', found.neededOnUpcomingWork, markWord(target, 'name')));
  }
  return sentences;
}

/**
 * The forecast drawn: its sentences, then the announced work with the mark each needs.
 * @param {MarkForecast} found
 * @returns {HTMLElement[]}
 */
export function forecastView(found) {
  /** @type {HTMLElement[]} */
  const parts = forecastSentences(found).map((sentence) => h('p', { class: 'need-text' }, sentence));
  if (found.given === null && found.upcomingWork.length > 0) {
    parts.push(
      h('h4', {}, t('needWork')),
      h(
        'ul',
        { class: 'need-work' },
        found.upcomingWork.map((item) =>
          h(
            'li',
            {},
            `${shortDay(day(item.work.lesson.date))}: ${item.work.topic ? `${kindName(item.work.kind)} «${item.work.topic}»` : kindName(item.work.kind)} (${t('weight', item.work.weight)}) — `,
            item.needed === null ? t('needOnWorkNone', found.plans[0]?.value ?? 5) : t('needOnWork', item.needed),
          ),
        ),
      ),
    );
  }
  return parts;
}
