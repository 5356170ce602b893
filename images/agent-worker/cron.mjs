// A small cron matcher: 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first.
// Each field takes `*`, `*/n`, `a`, `a-b`, `a-b/n` and comma lists. Times are matched in UTC.

const FIELDS = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day-of-week", min: 0, max: 7 },
];

function parseField(text, { name, min, max }) {
  const values = new Set();
  for (const part of text.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`cron ${name} field "${text}" is not valid`);
    const step = m[4] ? Number(m[4]) : 1;
    const from = m[1] === "*" ? min : Number(m[2]);
    const to = m[1] === "*" ? max : m[3] !== undefined ? Number(m[3]) : m[4] ? max : from;
    if (step < 1 || from < min || to > max || from > to)
      throw new Error(`cron ${name} field "${text}" is out of range ${min}-${max}`);
    for (let v = from; v <= to; v += step) values.add(name === "day-of-week" && v === 7 ? 0 : v);
  }
  return { values, any: text === "*" };
}

/**
 * Parses a cron expression into a matcher of Date → boolean.
 * @example parseCron("*\/2 * * * * *")(new Date()) // true on even seconds
 */
export function parseCron(expression) {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6)
    throw new Error(`cron expression "${expression}" needs 5 or 6 fields, got ${parts.length}`);
  const withSeconds = parts.length === 6 ? parts : ["0", ...parts];
  const [sec, min, hour, dom, mon, dow] = withSeconds.map((p, i) => parseField(p, FIELDS[i]));
  return (date) => {
    const dayOfMonth = dom.values.has(date.getUTCDate());
    const dayOfWeek = dow.values.has(date.getUTCDay());
    // Classic cron: when both day fields are restricted, either one matching is enough.
    const day = dom.any || dow.any ? dayOfMonth && dayOfWeek : dayOfMonth || dayOfWeek;
    return (
      sec.values.has(date.getUTCSeconds()) &&
      min.values.has(date.getUTCMinutes()) &&
      hour.values.has(date.getUTCHours()) &&
      mon.values.has(date.getUTCMonth() + 1) &&
      day
    );
  };
}

/** The first whole second after `from` that `matches` within `horizonSeconds` (two days), else undefined. */
export function nextMatch(matches, from, horizonSeconds = 2 * 24 * 3600) {
  const t = new Date(Math.floor(from.getTime() / 1000) * 1000 + 1000);
  for (let i = 0; i < horizonSeconds; i++, t.setTime(t.getTime() + 1000)) if (matches(t)) return new Date(t);
  return undefined;
}
