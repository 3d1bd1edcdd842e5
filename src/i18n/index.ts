// The i18n catalogue: every user-facing text, in Swedish and English. Each
// feature keeps its texts in its own module (sv and en side by side); a test
// checks that both languages have the same keys and placeholders.
import type { Locale } from "../domain/types.ts";
import * as admin from "./admin.ts";
import * as announce from "./announce.ts";
import * as common from "./common.ts";
import * as digest from "./digest.ts";
import * as methods from "./methods.ts";
import * as lessons from "./lessons.ts";
import * as needs from "./needs.ts";
import * as portfolio from "./portfolio.ts";
import * as slack from "./slack.ts";
import * as status from "./status.ts";
import * as teams from "./teams.ts";
import * as triage from "./triage.ts";

const modules = [common, needs, status, teams, slack, triage, digest, admin, announce, methods, lessons, portfolio];

export type Catalogue = Record<string, string>;
const catalogues: Record<Locale, Catalogue> = {
  en: Object.assign({}, ...modules.map((m) => m.en)),
  sv: Object.assign({}, ...modules.map((m) => m.sv)),
};

export type Params = Record<string, string | number>;

/** The text for `key` in `locale`, with `{name}` placeholders filled from params. */
export function t(locale: Locale, key: string, params: Params = {}): string {
  const text = catalogues[locale][key] ?? catalogues.en[key];
  if (text === undefined) throw new Error(`Missing i18n key: ${key}`);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function hasKey(key: string): boolean {
  return key in catalogues.en;
}

/** A translator bound to one locale, handed to card builders. */
export type Translate = (key: string, params?: Params) => string;
export function translator(locale: Locale): Translate {
  return (key, params) => t(locale, key, params);
}

export function allCatalogues(): Record<Locale, Catalogue> {
  return catalogues;
}
