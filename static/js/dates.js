// Dates written the way the server writes them, so that a comment inserted live shows the same
// date as one rendered with the page. The page gives Django's format string (its characters,
// e.g. "d.m.Y H:i" in German, "m/d/Y P" in English) and the server's time zone; this formats an
// ISO 8601 instant with the subset of Django's format characters that its date formats use.

/**
 * @param {string} iso an ISO 8601 instant ("2026-11-29T18:15:00+00:00")
 * @param {string} format Django date format characters; "\\x" writes x literally
 * @param {string} timeZone an IANA zone ("Europe/Berlin"), the server's
 * @param {{am?: string, pm?: string, midnight?: string, noon?: string}} words translated words
 * @returns {string} the formatted date, or "" for an invalid instant
 */
export function formatDate(iso, format, timeZone, words = {}) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const parts = {};
  const options = {
    timeZone, year: "numeric", month: "numeric", day: "numeric",
    hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23",
  };
  for (const part of new Intl.DateTimeFormat("en-US", options).formatToParts(date)) {
    parts[part.type] = Number(part.value);
  }
  const hour = parts.hour % 24;
  const hour12 = hour % 12 || 12;
  const pad = (value) => String(value).padStart(2, "0");
  const ampm = hour < 12 ? (words.am ?? "a.m.") : (words.pm ?? "p.m.");
  const values = {
    d: pad(parts.day), j: String(parts.day), m: pad(parts.month), n: String(parts.month),
    Y: String(parts.year), y: pad(parts.year % 100),
    H: pad(hour), G: String(hour), h: pad(hour12), g: String(hour12),
    i: pad(parts.minute), s: pad(parts.second), a: ampm,
    A: hour < 12 ? "AM" : "PM",
    // Django's "P": "7 p.m.", "7:30 p.m.", "midnight", "noon".
    P: hour === 0 && parts.minute === 0 ? (words.midnight ?? "midnight")
      : hour === 12 && parts.minute === 0 ? (words.noon ?? "noon")
      : `${hour12}${parts.minute ? `:${pad(parts.minute)}` : ""} ${ampm}`,
  };
  let out = "";
  for (let index = 0; index < format.length; index += 1) {
    const char = format[index];
    if (char === "\\") out += format[++index] ?? "";
    else out += values[char] ?? char;
  }
  return out;
}
