// "Who am I" and "settings": a person's roles and duties, their language, and
// what is stored about them.
import type { DepartmentName, StoredAboutMe, WhoAmI } from "../domain/me.ts";
import { LOCALES, type Role } from "../domain/types.ts";
import { formatDate, formatDateTime, truncate } from "../i18n/format.ts";
import { cadenceText } from "./admin.ts";
import type { CardContext } from "./context.ts";
import { card, choiceInput, clean, execute, facts, heading, paragraph, plainText, subheading, type AdaptiveCard } from "./elements.ts";

const departmentText = (ctx: CardContext, d: DepartmentName) => (d ? plainText(ctx.locale === "en" && d.nameEn ? d.nameEn : d.name) : "–");
const rolesText = (ctx: CardContext, roles: Role[]) => roles.map((r) => ctx.t(`role.${r}`)).join(", ");

export function whoAmICard(ctx: CardContext, me: WhoAmI): AdaptiveCard {
  const { t } = ctx;
  const { person } = me;
  const asks: string[] = [];
  for (const wp of me.workPackages.slice(0, 20)) {
    asks.push(t(wp.as === "lead" ? "me.asks.lead" : "me.asks.deputy", { code: wp.code, when: cadenceText(ctx, wp) }));
  }
  for (const i of me.initiatives.slice(0, 20)) asks.push(t("me.asks.initiative", { code: plainText(i.code), title: plainText(truncate(i.title, 100)) }));
  if (person.roles.includes("coordinator")) asks.push(t("me.asks.coordinator"));
  if (person.roles.includes("admin")) asks.push(t("me.asks.admin"));
  asks.push(t("me.asks.employee"));
  return clean(
    card(
      [
        heading(t("me.title", { name: plainText(person.displayName) })),
        facts([
          [t("me.email"), plainText(person.email ?? "–")],
          [t("me.department"), departmentText(ctx, me.department)],
          [t("me.roles"), rolesText(ctx, person.roles)],
          [t("me.workPackages"), me.workPackages.map((w) => `${w.code} (${t(`me.as.${w.as}`)})`).join(", ") || "–"],
        ]),
        subheading(t("me.asks")),
        paragraph(asks.map((a) => `- ${a}`).join("\n")),
      ],
      [execute(t("me.settings"), "me.settings")],
    ),
  );
}

export function settingsCard(ctx: CardContext, stored: StoredAboutMe): AdaptiveCard {
  const { t, locale } = ctx;
  const { person } = stored;
  const accounts = stored.accounts.map((a) => t(`platform.${a.platform}`) + (a.unreachableAt ? ` (${t("me.unreachable")})` : "")).join(", ");
  return clean(
    card(
      [
        heading(t("me.settings.title")),
        choiceInput({
          id: "locale",
          label: t("me.settings.language"),
          style: "expanded",
          value: person.locale,
          choices: LOCALES.map((l) => ({ title: t(`language.${l}`), value: l })),
        }),
        subheading(t("me.stored.title")),
        paragraph(t("me.stored.intro"), { subtle: true }),
        facts([
          [t("me.stored.name"), plainText(person.displayName)],
          [t("me.email"), plainText(person.email ?? "–")],
          [t("me.settings.language"), t(`language.${person.locale}`)],
          [t("me.department"), departmentText(ctx, stored.department)],
          [t("me.roles"), rolesText(ctx, person.roles)],
          [t("me.stored.away"), person.awayUntil ? formatDateTime(ctx, person.awayUntil) : "–"],
          [t("me.stored.since"), formatDate(ctx, stored.createdAt)],
          [t("me.stored.accounts"), accounts || "–"],
          [t("me.stored.reported"), String(stored.needsReported)],
          [t("me.stored.supported"), String(stored.needsSupported)],
          [t("me.stored.workPackages"), stored.roles.map((r) => `${plainText(r.code)} (${t(`me.as.${r.as}`)})`).join(", ") || "–"],
          [t("me.stored.history"), String(stored.historyEntries)],
          [t("me.stored.statusUpdates"), String(stored.statusUpdates)],
          [t("me.stored.audit"), String(stored.auditEntries)],
          [t("me.stored.messages"), String(stored.messages)],
        ]),
      ],
      [execute(t("me.settings.save"), "me.settingsSave", {}, { style: "positive" })],
    ),
  );
}
