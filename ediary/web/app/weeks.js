// ISO 8601 weeks ("2026-W48"), as the API's `Week` scalar writes them, and their days.

const DAY = 24 * 60 * 60 * 1000;

/**
 * The Monday of an ISO week, at midnight UTC.
 * @param {string} week
 * @returns {Date}
 */
export function monday(week) {
  const [year, number] = week.split('-W').map(Number);
  const january4 = Date.UTC(year ?? 1970, 0, 4);
  const firstMonday = january4 - ((new Date(january4).getUTCDay() + 6) % 7) * DAY;
  return new Date(firstMonday + ((number ?? 1) - 1) * 7 * DAY);
}

/**
 * The ISO week a day (at midnight UTC) falls in.
 * @param {Date} day
 * @returns {string}
 */
export function weekOf(day) {
  const thursday = new Date(day.getTime() + (3 - ((day.getUTCDay() + 6) % 7)) * DAY);
  const year = thursday.getUTCFullYear();
  const number = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return `${year}-W${String(number).padStart(2, '0')}`;
}

/**
 * The week `offset` weeks after (or before, when negative) `week`.
 * @param {string} week
 * @param {number} offset
 * @returns {string}
 */
export function shift(week, offset) {
  return weekOf(new Date(monday(week).getTime() + offset * 7 * DAY));
}

/**
 * A `Date` argument for the API's ISO date ("2026-11-26"), read as a calendar day.
 * @param {string} iso
 * @returns {Date}
 */
export function day(iso) {
  return new Date(`${iso}T00:00:00Z`);
}
