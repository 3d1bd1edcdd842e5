// Dates and numbers as a person of that locale expects them, in the zone the caller passes.
import { DateTime } from "luxon";
import type { Locale } from "../domain/types.ts";

/** Who reads the date: their language and the display zone (TIMEZONE), passed along, never a module global. */
export interface Reader {
  locale: Locale;
  zone: string;
}

export function formatDate({ locale, zone }: Reader, date: Date): string {
  return DateTime.fromJSDate(date, { zone }).setLocale(locale === "sv" ? "sv-SE" : "en-GB").toLocaleString(DateTime.DATE_MED);
}

export function formatDateTime({ locale, zone }: Reader, date: Date): string {
  return DateTime.fromJSDate(date, { zone })
    .setLocale(locale === "sv" ? "sv-SE" : "en-GB")
    .toLocaleString(DateTime.DATETIME_MED);
}

/** Shortens text for list views, so cards stay within the platforms' size limits. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** A moment with its weekday ("mån 30 nov. 09:00"), for schedules. */
export function formatWeekdayTime({ locale, zone }: Reader, date: Date): string {
  return DateTime.fromJSDate(date, { zone })
    .setLocale(locale === "sv" ? "sv-SE" : "en-GB")
    .toLocaleString({ weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}
