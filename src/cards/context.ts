import type { Locale } from "../domain/types.ts";
import { translator, type Translate } from "../i18n/index.ts";

/** What every card builder needs: the reader's language. */
export interface CardContext {
  locale: Locale;
  t: Translate;
}

export function cardContext(locale: Locale): CardContext {
  return { locale, t: translator(locale) };
}
