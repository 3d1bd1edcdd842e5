// Dates and numbers as a person of that locale expects them, in the configured zone.
import { DateTime } from "luxon";
import type { Locale } from "../domain/types.ts";

let zone = "Europe/Stockholm";
/** Set once at start from TIMEZONE. */
export function setDisplayZone(timezone: string): void {
  zone = timezone;
}

export function formatDate(locale: Locale, date: Date): string {
  return DateTime.fromJSDate(date, { zone }).setLocale(locale === "sv" ? "sv-SE" : "en-GB").toLocaleString(DateTime.DATE_MED);
}

export function formatDateTime(locale: Locale, date: Date): string {
  return DateTime.fromJSDate(date, { zone })
    .setLocale(locale === "sv" ? "sv-SE" : "en-GB")
    .toLocaleString(DateTime.DATETIME_MED);
}

/** Shortens text for list views, so cards stay within the platforms' size limits. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** A moment with its weekday ("mån 30 nov. 09:00"), for schedules. */
export function formatWeekdayTime(locale: Locale, date: Date): string {
  return DateTime.fromJSDate(date, { zone })
    .setLocale(locale === "sv" ? "sv-SE" : "en-GB")
    .toLocaleString({ weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}
