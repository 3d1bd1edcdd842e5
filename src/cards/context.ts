import type { Locale } from "../domain/types.ts";
import { translator, type Translate } from "../i18n/index.ts";

/** What every card builder needs: the reader's language and the display zone (config TIMEZONE). */
export interface CardContext {
  locale: Locale;
  /** IANA zone dates are shown in; passed from the app config, so builders stay pure. */
  zone: string;
  t: Translate;
}

export function cardContext(locale: Locale, zone: string): CardContext {
  return { locale, zone, t: translator(locale) };
}
