// Admin views and forms: the work packages and initiatives with their leads
// and cadences, changing a work package, a new initiative, the coordinators.
import type { InitiativeDraft, InitiativeView, WorkPackageView } from "../domain/admin.ts";
import type { FieldError } from "../domain/errors.ts";
import { INITIATIVE_STAGES, type Person, type WorkPackage } from "../domain/types.ts";
import { formatWeekdayTime, truncate } from "../i18n/format.ts";
import type { CardContext } from "./context.ts";
import { actionSet, card, choiceInput, clean, container, execute, facts, heading, paragraph, plainText, subheading, textInput, type AdaptiveCard, type Element } from "./elements.ts";

/** Rows shown per list; a card must stay under the platforms' size limits. */
const LIST_SHOWN = 30;

type Errors = Record<string, FieldError> | undefined;

function errorText(ctx: CardContext, errors: Errors) {
  return (field: string) => {
    const e = errors?.[field];
    return e ? ctx.t(e.key, e.params) : undefined;
  };
}

const summary = (ctx: CardContext, errors: Errors): Element[] =>
  errors && Object.keys(errors).length ? [paragraph(ctx.t("validation.summary"), { color: "Attention" })] : [];

function personLabel(name: string | null, email: string | null): string {
  return name ? plainText(email ? `${name} (${email})` : name) : "–";
}

/** When the next ping goes, or that pings are paused. */
export function cadenceText(ctx: CardContext, wp: { cadence: string; timezone: string; pingsPaused: boolean; nextPing: Date | null }): string {
  if (wp.pingsPaused) return ctx.t("admin.wp.paused", { cadence: wp.cadence });
  return wp.nextPing
    ? ctx.t("admin.wp.cadence", { cadence: wp.cadence, timezone: wp.timezone, next: formatWeekdayTime(ctx, wp.nextPing) })
    : wp.cadence;
}

export function adminOverviewCard(ctx: CardContext, data: { workPackages: WorkPackageView[]; initiatives: InitiativeView[] }): AdaptiveCard {
  const { t } = ctx;
  const wps = data.workPackages.slice(0, LIST_SHOWN).map((wp) =>
    container(
      [
        paragraph(`**${plainText(wp.code)}** ${plainText(truncate(wp.name, 120))}`),
        facts([
          [t("admin.wp.lead"), personLabel(wp.leadName, wp.leadEmail)],
          [t("admin.wp.deputy"), personLabel(wp.deputyName, wp.deputyEmail)],
          [t("admin.wp.pings"), cadenceText(ctx, wp)],
        ]),
        actionSet([
          execute(t("admin.wp.change"), "admin.wpEdit", { workPackageId: wp.id }),
          wp.pingsPaused
            ? execute(t("admin.wp.resume"), "admin.wpResume", { workPackageId: wp.id })
            : execute(t("admin.wp.pause"), "admin.wpPause", { workPackageId: wp.id }),
        ]),
      ],
      { separator: true },
    ),
  );
  const initiatives = data.initiatives.slice(0, LIST_SHOWN).map((i) =>
    paragraph(
      `**${plainText(i.code)}** ${plainText(truncate(i.title, 120))}: ${t(`stage.${i.stage}`)}` +
        (i.ownerName ? `, ${t("admin.initiative.ownerIs", { name: plainText(i.ownerName) })}` : "") +
        (i.workPackageCode ? `, ${i.workPackageCode}` : ""),
    ),
  );
  const more = (shown: number, total: number) => (total > shown ? [paragraph(t("admin.more", { count: total - shown }), { subtle: true })] : []);
  return clean(
    card(
      [
        heading(t("admin.title")),
        subheading(t("admin.workPackages")),
        ...(wps.length ? wps : [paragraph(t("admin.none"), { subtle: true })]),
        ...more(LIST_SHOWN, data.workPackages.length),
        subheading(t("admin.initiatives")),
        ...(initiatives.length ? initiatives : [paragraph(t("admin.none"), { subtle: true })]),
        ...more(LIST_SHOWN, data.initiatives.length),
        paragraph(t("admin.fromNeedHint"), { subtle: true }),
      ],
      [execute(t("admin.initiative.new"), "admin.initiativeNew"), execute(t("admin.coordinators"), "admin.coordinators")],
    ),
  );
}

export function workPackageForm(
  ctx: CardContext,
  wp: WorkPackageView,
  options: { values?: { lead?: string; deputy?: string; cadence?: string }; errors?: Errors } = {},
): AdaptiveCard {
  const { t } = ctx;
  const v = { lead: wp.leadEmail ?? "", deputy: wp.deputyEmail ?? "", cadence: wp.cadence, ...options.values };
  const err = errorText(ctx, options.errors);
  return clean(
    card(
      [
        heading(t("admin.wpForm.title", { code: plainText(wp.code), name: plainText(truncate(wp.name, 120)) })),
        ...summary(ctx, options.errors),
        textInput({ id: "lead", label: t("admin.wpForm.lead"), value: v.lead, maxLength: 254, isRequired: true, errorMessage: t("validation.required"), error: err("lead") }),
        textInput({ id: "deputy", label: t("admin.wpForm.deputy"), value: v.deputy, maxLength: 254, error: err("deputy") }),
        textInput({ id: "cadence", label: t("admin.wpForm.cadence"), value: v.cadence, maxLength: 100, isRequired: true, errorMessage: t("validation.required"), error: err("cadence") }),
        paragraph(t("admin.wpForm.cadenceHelp", { timezone: wp.timezone }), { subtle: true, size: "Small" }),
      ],
      [execute(t("admin.save"), "admin.wpSave", { workPackageId: wp.id }, { style: "positive" }), execute(t("common.cancel"), "admin.overview", {}, { associatedInputs: "none" })],
    ),
  );
}

export function initiativeForm(ctx: CardContext, options: { workPackages: WorkPackage[]; values?: InitiativeDraft; errors?: Errors }): AdaptiveCard {
  const { t } = ctx;
  const v = options.values ?? {};
  const err = errorText(ctx, options.errors);
  return clean(
    card(
      [
        heading(v.needReference ? t("admin.initiativeForm.fromNeed", { reference: v.needReference }) : t("admin.initiativeForm.title")),
        ...summary(ctx, options.errors),
        textInput({ id: "title", label: t("admin.initiativeForm.name"), value: v.title, maxLength: 200, isRequired: true, errorMessage: t("validation.required"), error: err("title") }),
        choiceInput({
          id: "stage",
          label: t("admin.initiativeForm.stage"),
          style: "compact",
          value: v.stage || "idea",
          choices: INITIATIVE_STAGES.map((s) => ({ title: t(`stage.${s}`), value: s })),
          error: err("stage"),
        }),
        textInput({ id: "owner", label: t("admin.initiativeForm.owner"), value: v.owner, maxLength: 254, error: err("owner") }),
        choiceInput({
          id: "workPackage",
          label: t("admin.initiativeForm.workPackage"),
          style: "compact",
          value: v.workPackage,
          choices: options.workPackages.map((w) => ({ title: `${w.code} ${truncate(w.name, 80)}`, value: String(w.id) })),
          error: err("workPackage"),
        }),
      ],
      [
        execute(t("admin.initiativeForm.create"), "admin.initiativeCreate", v.needReference ? { needReference: v.needReference } : {}, { style: "positive" }),
        execute(t("common.cancel"), "admin.overview", {}, { associatedInputs: "none" }),
      ],
    ),
  );
}

export function coordinatorsCard(ctx: CardContext, coordinators: Person[], options: { email?: string; errors?: Errors } = {}): AdaptiveCard {
  const { t } = ctx;
  const err = errorText(ctx, options.errors);
  const rows = coordinators.slice(0, LIST_SHOWN * 2).map((p) =>
    container([
      paragraph(personLabel(p.displayName, p.email)),
      actionSet([execute(t("admin.coordinator.revoke"), "admin.coordinatorRevoke", { personId: p.id }, { style: "destructive", associatedInputs: "none" })]),
    ]),
  );
  return clean(
    card(
      [
        heading(t("admin.coordinators")),
        paragraph(t("admin.coordinators.intro"), { subtle: true }),
        ...(rows.length ? rows : [paragraph(t("admin.none"), { subtle: true })]),
        ...summary(ctx, options.errors),
        textInput({ id: "email", label: t("admin.coordinator.email"), value: options.email, maxLength: 254, error: err("email") }),
      ],
      [execute(t("admin.coordinator.grant"), "admin.coordinatorGrant", {}, { style: "positive" }), execute(t("admin.back"), "admin.overview", {}, { associatedInputs: "none" })],
    ),
  );
}
