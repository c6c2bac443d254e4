/**
 * Checks of a CronJob's `spec.schedule` and `spec.timeZone`, giving the messages Kubernetes gives: the
 * schedule is parsed the way the cron library Kubernetes uses parses standard specs (five fields or an
 * `@descriptor`, optional `TZ=`/`CRON_TZ=` prefix), and time zones must be IANA names.
 */

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const months: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const daysOfWeek: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };
const fieldBounds: Bounds[] = [{ min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, months, daysOfWeek];

const descriptors = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** The parse error of a cron schedule, or undefined when it parses. */
export function scheduleError(schedule: string): string | undefined {
  let spec = schedule;
  if (spec.length === 0) return 'empty spec string';
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    const name = spec.slice(spec.indexOf('=') + 1, space < 0 ? undefined : space);
    const tzError = loadLocationError(name);
    if (tzError) return `provided bad location ${name}: ${tzError}`;
    spec = space < 0 ? '' : spec.slice(space).trim();
  }
  if (spec.startsWith('@')) return descriptorError(spec);
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    for (const expr of fields[i].split(',').filter((e) => e !== '')) {
      const err = rangeError(expr, fieldBounds[i]);
      if (err) return err;
    }
  }
  return undefined;
}

function descriptorError(spec: string): string | undefined {
  if (descriptors.has(spec)) return undefined;
  const every = '@every ';
  if (spec.startsWith(every)) {
    return /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(spec.slice(every.length))
      ? undefined
      : `failed to parse duration ${spec}: time: invalid duration "${spec.slice(every.length)}"`;
  }
  return `unrecognized descriptor: ${spec}`;
}

function rangeError(expr: string, b: Bounds): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
  } else {
    const s = parseIntOrName(lowAndHigh[0], b.names);
    if (typeof s === 'string') return s;
    start = s;
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) {
      const e = parseIntOrName(lowAndHigh[1], b.names);
      if (typeof e === 'string') return e;
      end = e;
    } else return `too many hyphens: ${expr}`;
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    const st = parseUint(rangeAndStep[1]);
    if (typeof st === 'string') return st;
    step = st;
    // `N/step` means `N-max/step`.
    if (lowAndHigh.length === 1) end = b.max;
  } else if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (start < b.min) return `beginning of range (${start}) below minimum (${b.min}): ${expr}`;
  if (end > b.max) return `end of range (${end}) above maximum (${b.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

function parseIntOrName(expr: string, names?: Record<string, number>): number | string {
  const named = names?.[expr.toLowerCase()];
  return named ?? parseUint(expr);
}

/** Go's strconv.Atoi, then a sign check; a string is the error. */
function parseUint(expr: string): number | string {
  if (!/^[+-]?\d+$/.test(expr)) return `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`;
  const n = Number(expr);
  if (n < 0) return `negative number (${n}) not allowed: ${expr}`;
  return n;
}

/**
 * Why `name` is not a loadable time zone, or undefined when it is. Node's ICU zone database stands in
 * for Go's time.LoadLocation, with Go's wording.
 */
export function loadLocationError(name: string): string | undefined {
  // Go resolves these three without the zone database.
  if (name === '' || name === 'UTC' || name === 'Local') return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return `unknown time zone ${name}`;
  }
  // ICU matches names without regard to case, where Go reads files whose names have a fixed case.
  const canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  if (canonical.toLowerCase() === name.toLowerCase() && canonical !== name && !isSupportedName(name)) return `unknown time zone ${name}`;
  return undefined;
}

let supportedNames: Set<string> | undefined;

function isSupportedName(name: string): boolean {
  supportedNames ??= new Set(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []);
  return supportedNames.has(name);
}

// One component of a zone name: letters, digits (legacy names), '.', '-', '_', '+', at most 14 long.
const zonePartRe = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** Problems with a CronJob `spec.timeZone` (absent is fine); each is a full message. */
export function timeZoneErrors(timeZone: string): string[] {
  if (timeZone.length === 0) return ['timeZone must be nil or non-empty string'];
  for (const part of timeZone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !zonePartRe.test(part)) return [`unknown time zone ${timeZone}`];
  }
  const errs: string[] = [];
  if (timeZone.toLowerCase() === 'local') errs.push('timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones');
  const loadErr = loadLocationError(timeZone);
  if (loadErr) errs.push(loadErr);
  return errs;
}
