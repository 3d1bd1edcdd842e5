// The catalogue of methods and tools: one card per method found, in the
// reader's language, and the edit form (admins and the owning work package's lead).
import type { FieldError } from "../domain/errors.ts";
import { EFFORTS, localised, METHOD_LIMITS, methodName, type Method } from "../domain/methods.ts";
import { truncate } from "../i18n/format.ts";
import type { CardContext } from "./context.ts";
import { card, choiceInput, clean, execute, facts, heading, openUrl, paragraph, plainText, subheading, textInput, type AdaptiveCard, type Element } from "./elements.ts";

/** Link buttons on a card; more would crowd it (Teams shows at most six actions). */
const LINKS_SHOWN = 4;

export function methodCard(ctx: CardContext, method: Method, options: { editable?: boolean } = {}): AdaptiveCard {
  const { t, locale } = ctx;
  const description = localised(locale, method.description, method.descriptionEn);
  const goodFor = localised(locale, method.goodFor, method.goodForEn);
  const body: Element[] = [
    heading(plainText(truncate(methodName(ctx, method), 200))),
    ...(description ? [paragraph(plainText(truncate(description, 2000)))] : []),
    ...(goodFor ? [subheading(t("methods.goodFor")), paragraph(plainText(truncate(goodFor, 1000)))] : []),
    facts([
      [t("methods.effort"), t(`methods.effort.${method.effort}`)],
      [t("methods.contact"), plainText(method.contactName ?? "")],
      [t("methods.workPackage"), plainText(method.workPackageCode ?? "")],
      [t("methods.sustainability"), method.sustainability.map((s) => t(`sustainability.${s}`)).join(", ")],
      [t("methods.tags"), plainText(method.tags.join(", "))],
    ]),
  ];
  const actions = [
    ...method.links.slice(0, LINKS_SHOWN).map((url, i) => openUrl(t("methods.link", { n: i + 1 }), url)),
    ...(options.editable ? [execute(t("methods.edit"), "method.edit", { methodId: method.id })] : []),
  ];
  return clean(card(body, actions));
}

/** The answer to a search: a line saying what was found, then the methods' own cards. */
export function methodsSummaryCard(ctx: CardContext, words: string, count: number): AdaptiveCard {
  const { t } = ctx;
  const w = plainText(truncate(words, 100));
  const text = count === 0 ? t(words ? "methods.none" : "methods.empty", { words: w }) : words ? t("methods.found", { count, words: w }) : t("methods.all", { count });
  return clean(card([paragraph(text)]));
}

type TextField = "name" | "nameEn" | "description" | "descriptionEn" | "goodFor" | "goodForEn" | "links" | "tags";
export type MethodFormValues = Partial<Record<TextField | "effort", string>>;

export function methodForm(ctx: CardContext, method: Method, options: { values?: MethodFormValues; errors?: Record<string, FieldError> } = {}): AdaptiveCard {
  const { t } = ctx;
  const v: MethodFormValues = {
    name: method.name,
    nameEn: method.nameEn,
    description: method.description,
    descriptionEn: method.descriptionEn,
    goodFor: method.goodFor,
    goodForEn: method.goodForEn,
    links: method.links.join("\n"),
    tags: method.tags.join(", "),
    effort: method.effort,
    ...options.values,
  };
  const err = (field: string) => (options.errors?.[field] ? t(options.errors[field].key, options.errors[field].params) : undefined);
  const field = (id: TextField, maxLength: number, extra: { multiline?: boolean; isRequired?: boolean } = {}) =>
    textInput({
      id,
      label: t(`methods.form.${id}`),
      value: v[id],
      maxLength,
      ...extra,
      ...(extra.isRequired ? { errorMessage: t("validation.required") } : {}),
      error: err(id),
    });
  return clean(
    card(
      [
        heading(t("methods.form.title", { name: plainText(truncate(methodName(ctx, method), 150)) })),
        field("name", METHOD_LIMITS.name, { isRequired: true }),
        field("nameEn", METHOD_LIMITS.name),
        field("description", METHOD_LIMITS.description, { multiline: true }),
        field("descriptionEn", METHOD_LIMITS.description, { multiline: true }),
        field("goodFor", METHOD_LIMITS.goodFor, { multiline: true }),
        field("goodForEn", METHOD_LIMITS.goodFor, { multiline: true }),
        choiceInput({
          id: "effort",
          label: t("methods.effort"),
          style: "compact",
          value: v.effort,
          choices: EFFORTS.map((e) => ({ title: t(`methods.effort.${e}`), value: e })),
          error: err("effort"),
        }),
        field("links", METHOD_LIMITS.links * (METHOD_LIMITS.url + 1), { multiline: true }),
        field("tags", METHOD_LIMITS.tags * (METHOD_LIMITS.tag + 2)),
      ],
      [execute(t("methods.form.save"), "method.save", { methodId: method.id }, { style: "positive" })],
    ),
  );
}
