/**
 * The next run of a CronJob's `schedule`: the standard five fields (minute, hour, day of month, month, day of
 * week, with lists, ranges, steps, names, `?`) and the descriptors `@yearly`, `@annually`, `@monthly`, `@weekly`,
 * `@daily`, `@midnight`, `@hourly`, read as kube's cron library reads them: when both day fields are restricted a
 * day matching either runs. Times are computed in UTC (a `timeZone` other than UTC shifts only which minute is
 * named, not how many pods run).
 */

const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Field {
  values: Set<number>;
  /** Written as `*` or `?` (matters for the day fields' OR rule). */
  star: boolean;
}

function parseField(text: string, min: number, max: number, names: readonly string[] | undefined, label: string): Field {
  const values = new Set<number>();
  const star = text.startsWith('*') || text.startsWith('?');
  for (const part of text.split(',')) {
    const [rangeText, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in ${label} field "${part}"`);
    let low: number;
    let high: number;
    if (rangeText === '*' || rangeText === '?') {
      low = min;
      high = max;
    } else {
      const [a, b] = rangeText.split('-') as [string, string | undefined];
      low = value(a, names, label, min);
      high = b === undefined ? (stepText === undefined ? low : max) : value(b, names, label, min);
    }
    if (low < min || high > max || low > high) throw new Error(`${label} field "${part}" is out of range ${min}-${max}`);
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return { values, star };
}

function value(text: string, names: readonly string[] | undefined, label: string, min: number): number {
  const named = names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + min;
  if (!/^\d+$/.test(text)) throw new Error(`bad value "${text}" in ${label} field`);
  return Number(text);
}

/** The first time strictly after `now` (at minute precision) that `schedule` runs. */
export function nextCronTime(schedule: string, now: Date, _timeZone?: string): Date {
  let text = schedule.trim();
  if (text.startsWith('TZ=') || text.startsWith('CRON_TZ=')) throw new Error('a time zone in the schedule is not allowed; use spec.timeZone');
  text = descriptors[text.toLowerCase()] ?? text;
  if (text.startsWith('@')) throw new Error(`unrecognized descriptor: ${text}`);
  const fields = text.split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: ${JSON.stringify(text)}`);
  const minute = parseField(fields[0]!, 0, 59, undefined, 'minute');
  const hour = parseField(fields[1]!, 0, 23, undefined, 'hour');
  const dom = parseField(fields[2]!, 1, 31, undefined, 'day-of-month');
  const month = parseField(fields[3]!, 1, 12, monthNames, 'month');
  const dowRaw = parseField(fields[4]!, 0, 7, dayNames, 'day-of-week');
  const dow: Field = { star: dowRaw.star, values: new Set([...dowRaw.values].map((d) => d % 7)) };

  const start = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000);
  const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
  for (let i = 0; i < 366 * 5; i++, day.setUTCDate(day.getUTCDate() + 1)) {
    if (!month.values.has(day.getUTCMonth() + 1)) continue;
    const domMatch = dom.values.has(day.getUTCDate());
    const dowMatch = dow.values.has(day.getUTCDay());
    if (!(dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch)) continue;
    for (let h = 0; h < 24; h++) {
      if (!hour.values.has(h)) continue;
      for (let m = 0; m < 60; m++) {
        if (!minute.values.has(m)) continue;
        const candidate = new Date(day.getTime() + (h * 60 + m) * 60_000);
        if (candidate >= start) return candidate;
      }
    }
  }
  throw new Error('the schedule never runs');
}
