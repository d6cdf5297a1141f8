/*
 * Money and time as the counter reads them: rupees with Indian grouping, campus time (Asia/Kolkata).
 * Rupees are written alike in both languages (en-IN: ₹1,23,456.00, Latin digits); days and months
 * are named in the page's language (hi-IN in Hindi, still with Latin digits).
 */
import { fmt, language } from "./i18n.js";

export const CAMPUS_TZ = "Asia/Kolkata";
const rupeeFormat = new Intl.NumberFormat("en-IN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

// 12345600 → "₹1,23,456.00"; negative amounts get a minus sign; nothing known → "–".
export function rupees(paise) {
  if (paise === null || paise === undefined || Number.isNaN(paise)) return "–";
  const sign = paise < 0 ? "−" : "";
  const abs = Math.abs(paise);
  return sign + "₹" + rupeeFormat.format(Math.floor(abs / 100) + (abs % 100) / 100);
}

// Whole rupees for chart labels: "₹360", "₹1,200".
export function rupeesShort(paise) {
  return rupees(paise).replace(/\.00$/, "");
}

// "45", "45.5", "₹1,045.50" → paise as an integer, without floating point; null when not a price.
export function toPaise(text) {
  const clean = String(text || "").trim().replace(/^₹\s*/, "").replace(/,/g, "");
  const match = clean.match(/^(\d{1,7})(?:\.(\d{1,2}))?$/);
  if (!match) return null;
  return parseInt(match[1], 10) * 100 + parseInt((match[2] || "").padEnd(2, "0") || "0", 10);
}

// 4550 → "45.50", 4500 → "45": what a price input shows.
export function paiseToInput(paise) {
  if (paise === null || paise === undefined) return "";
  const whole = Math.floor(paise / 100);
  const part = paise % 100;
  return part ? whole + "." + String(part).padStart(2, "0") : String(whole);
}

const DATE_LOCALE = language() === "hi" ? "hi-IN" : "en-IN";
const timeFormat = new Intl.DateTimeFormat(DATE_LOCALE, { timeZone: CAMPUS_TZ, hour: "2-digit", minute: "2-digit", hour12: false });
const dayPartsFormat = new Intl.DateTimeFormat("en-GB", { timeZone: CAMPUS_TZ, year: "numeric", month: "2-digit", day: "2-digit" });
const shortDayFormat = new Intl.DateTimeFormat(DATE_LOCALE, { timeZone: CAMPUS_TZ, day: "numeric", month: "short" });
const stampFormat = new Intl.DateTimeFormat(DATE_LOCALE, { timeZone: CAMPUS_TZ, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false });

export const clock = (iso) => timeFormat.format(new Date(iso));
export const stamp = (iso) => stampFormat.format(new Date(iso));
export const shortDay = (dateOrIso) => shortDayFormat.format(new Date(dateOrIso));

// The campus calendar day of an instant, as YYYY-MM-DD.
export function dayOf(dateOrIso) {
  const parts = {};
  for (const p of dayPartsFormat.formatToParts(new Date(dateOrIso))) parts[p.type] = p.value;
  return parts.year + "-" + parts.month + "-" + parts.day;
}

export const today = () => dayOf(new Date());

export function slotLabel(slot) {
  const label = clock(slot.starts_at) + "–" + clock(slot.ends_at);
  return dayOf(slot.starts_at) === today() ? label : shortDay(slot.starts_at) + ", " + label;
}

// A day and "HH:MM" typed in the page, as an ISO instant with the campus offset ("+05:30").
export function localIso(day, hhmm, offset) {
  return day + "T" + hhmm + ":00" + offset;
}

// A count in words: plural(n, ngettext("%(n)s order", "%(n)s orders", n)) → "3 orders".
export const plural = (n, text) => fmt(text, { n });

export const byCreated = (a, b) => new Date(a.created_at) - new Date(b.created_at) || a.id - b.id;
