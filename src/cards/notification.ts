// A notification sent to one person through the outbox (a change that
// concerns them), rendered in the reader's language.
import type { Locale } from "../domain/types.ts";
import { t } from "../i18n/index.ts";
import { plainText, type AdaptiveCard } from "./elements.ts";
import { noticeCard } from "./messages.ts";

export function notificationCard(locale: Locale, key: string, params: Record<string, string | number>): AdaptiveCard {
  // Parameters are data (names, titles, codes): shown as typed, never as markdown.
  const safe = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === "string" ? plainText(v) : v]));
  return noticeCard(t(locale, key, safe), t(locale, "notify.title"));
}
