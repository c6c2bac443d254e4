import { scheduleError } from '../../api/validation/workload-schedule.js';

/**
 * A parsed CronJob schedule, in the semantics of the cron library Kubernetes uses: five fields or an
 * `@descriptor`, `@every <duration>`, an optional `TZ=`/`CRON_TZ=` prefix; day of month and day of week
 * are ORed unless either is a `*`.
 */
export interface Schedule {
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  /** Whether day of month / day of week were given as `*` (or `?`), which switches OR to AND. */
  domStar: boolean;
  dowStar: boolean;
  /** `@every`: a fixed interval instead of fields. */
  everyMs?: number;
  /** A zone named in the schedule itself (`TZ=Europe/Paris ...`). */
  timeZone?: string;
}

const descriptorSpecs: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const monthNames: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const dayNames: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const bounds: [number, number, Record<string, number>?][] = [[0, 59], [0, 23], [1, 31], [1, 12, monthNames], [0, 6, dayNames]];

const durationUnits: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a schedule, throwing RangeError with the cron library's message when it is invalid. */
export function parseSchedule(text: string): Schedule {
  const err = scheduleError(text);
  if (err) throw new RangeError(err);
  let spec = text;
  let timeZone: string | undefined;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    timeZone = spec.slice(spec.indexOf('=') + 1, space);
    spec = spec.slice(space).trim();
  }
  if (spec.startsWith('@every ')) {
    let ms = 0;
    for (const m of spec.slice(7).matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * durationUnits[m[2]];
    // The library rounds intervals below a second up to a second.
    return { ...emptyFields(), everyMs: Math.max(1000, Math.floor(ms / 1000) * 1000), timeZone };
  }
  spec = descriptorSpecs[spec] ?? spec;
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  const sets = fields.map((f, i) => parseField(f, bounds[i][0], bounds[i][1], bounds[i][2]));
  return {
    minutes: sets[0].values,
    hours: sets[1].values,
    daysOfMonth: sets[2].values,
    months: sets[3].values,
    daysOfWeek: sets[4].values,
    domStar: sets[2].star,
    dowStar: sets[4].star,
    timeZone,
  };
}

function emptyFields(): Omit<Schedule, 'everyMs' | 'timeZone'> {
  return { minutes: new Set(), hours: new Set(), daysOfMonth: new Set(), months: new Set(), daysOfWeek: new Set(), domStar: true, dowStar: true };
}

function parseField(field: string, min: number, max: number, names?: Record<string, number>): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(',').filter((e) => e !== '')) {
    const [range, stepText] = expr.split('/');
    const step = stepText !== undefined ? Number(stepText) : 1;
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = min;
      hi = max;
      if (step === 1) star = true;
    } else {
      const [a, b] = range.split('-');
      const num = (s: string) => names?.[s.toLowerCase()] ?? Number(s);
      lo = num(a);
      hi = b !== undefined ? num(b) : stepText !== undefined ? max : lo;
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star };
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timeZone === 'Local' || timeZone === '' ? undefined : timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(key, f);
  }
  return f;
}

/** Offset of the zone from UTC at an instant, in ms (whole minutes... or seconds for old local mean times). */
export function zoneOffsetMs(ms: number, timeZone: string | undefined): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

function wallOf(ms: number, timeZone: string | undefined): Wall {
  const d = new Date(ms + zoneOffsetMs(ms, timeZone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

/** The instant a wall-clock time names in a zone; times skipped by a DST jump move forward, as Go's time.Date. */
function instantOf(w: Wall, timeZone: string | undefined): number {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  const first = naive - zoneOffsetMs(naive, timeZone);
  const second = naive - zoneOffsetMs(first, timeZone);
  const same = (ms: number) => {
    const x = wallOf(ms, timeZone);
    return x.year === w.year && x.month === w.month && x.day === w.day && x.hour === w.hour && x.minute === w.minute;
  };
  if (same(second)) return Math.min(second, same(first) ? first : second);
  if (same(first)) return first;
  // In a gap: the offset from before the jump applies, which lands after it.
  return Math.max(first, second);
}

/**
 * The first time strictly after `after` that the schedule fires, in `timeZone` (an IANA name; the
 * schedule's own `TZ=` wins, and no zone means the process's local time). Undefined when nothing
 * matches within five years (`0 0 30 2 *`).
 */
export function nextAfter(schedule: Schedule | string, after: Date, timeZone?: string): Date | undefined {
  const s = typeof schedule === 'string' ? parseSchedule(schedule) : schedule;
  const zone = s.timeZone ?? timeZone;
  const afterMs = after.getTime();
  if (s.everyMs !== undefined) return new Date(Math.floor(afterMs / 1000) * 1000 + s.everyMs);
  // Walk wall-clock time in a naive UTC calendar, coarse to fine, as the cron library does.
  const start = wallOf(Math.floor(afterMs / 60_000) * 60_000 + 60_000, zone);
  let t = Date.UTC(start.year, start.month - 1, start.day, start.hour, start.minute);
  const limit = t + 5 * 366 * 86_400_000;
  while (t < limit) {
    const d = new Date(t);
    const month = d.getUTCMonth() + 1;
    if (!s.months.has(month)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      continue;
    }
    const domMatch = s.daysOfMonth.has(d.getUTCDate());
    const dowMatch = s.daysOfWeek.has(d.getUTCDay());
    const dayMatch = s.domStar || s.dowStar ? domMatch && dowMatch : domMatch || dowMatch;
    if (!dayMatch) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
      continue;
    }
    if (!s.hours.has(d.getUTCHours())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
      continue;
    }
    if (!s.minutes.has(d.getUTCMinutes())) {
      t += 60_000;
      continue;
    }
    const instant = instantOf({ year: d.getUTCFullYear(), month, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() }, zone);
    // A wall time repeated or skipped by a DST change can map at or before `after`: keep walking.
    if (instant > afterMs) return new Date(instant);
    t += 60_000;
  }
  return undefined;
}

/** RFC 3339 in a zone, with its offset (`2024-03-01T09:00:00+01:00`, or `Z` at UTC), as Go formats times. */
export function formatInZone(date: Date, timeZone: string | undefined): string {
  const ms = Math.floor(date.getTime() / 1000) * 1000;
  const offset = zoneOffsetMs(ms, timeZone);
  const wall = new Date(ms + offset).toISOString().replace(/\.\d{3}Z$/, '');
  if (offset === 0) return `${wall}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / 60_000;
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
