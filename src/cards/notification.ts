// A notification sent to one person through the outbox (a change that
// concerns them), rendered in the reader's language.
import type { Locale } from "../domain/types.ts";
import { t } from "../i18n/index.ts";
import type { AdaptiveCard } from "./elements.ts";
import { noticeCard } from "./messages.ts";

export function notificationCard(locale: Locale, key: string, params: Record<string, string | number>): AdaptiveCard {
  return noticeCard(t(locale, key, params), t(locale, "notify.title"));
}
