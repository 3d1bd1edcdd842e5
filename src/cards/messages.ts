// Small cards: help, welcome, notices, errors, and the offer to report free text.
import type { CardContext } from "./context.ts";
import { card, clean, execute, heading, paragraph, plainText, type AdaptiveCard } from "./elements.ts";

export function helpCard(ctx: CardContext, lines: string[], options: { welcomeName?: string } = {}): AdaptiveCard {
  const { t } = ctx;
  return clean(
    card(
      [
        heading(options.welcomeName ? t("welcome.title", { name: plainText(options.welcomeName) }) : t("help.title")),
        paragraph(t("help.intro")),
        paragraph(lines.map((line) => `- ${line}`).join("\n")),
        paragraph(t("help.freeText"), { subtle: true }),
      ],
      [execute(t("help.button.report"), "need.new"), execute(t("help.button.mine"), "need.mine")],
    ),
  );
}

/** A one-paragraph message, optionally with a title. */
export function noticeCard(text: string, title?: string): AdaptiveCard {
  return clean(card([...(title ? [heading(title)] : []), paragraph(text)]));
}

export function errorCard(ctx: CardContext, text: string): AdaptiveCard {
  return clean(card([heading(ctx.t("errors.title")), paragraph(text, { color: "Attention" })]));
}

/** Free text in a 1:1 chat: offer to report it as a need, prefilled. */
export function reportOfferCard(ctx: CardContext, text: string): AdaptiveCard {
  const { t } = ctx;
  return clean(
    card([heading(t("need.offer.title")), paragraph(`> ${plainText(text.length > 500 ? `${text.slice(0, 499)}…` : text)}`, { subtle: true })], [
      execute(t("need.offer.yes"), "need.new", { text }, { style: "positive" }),
    ]),
  );
}
