// Admins keep the organisation current from any platform: work packages
// (lead, deputy, cadence, pause), initiatives (also from an accepted need) and
// the coordinator role. Permission checks and auditing live in domain/admin.ts.
import { adminOverviewCard, coordinatorsCard, initiativeForm, workPackageForm } from "../../../cards/admin.ts";
import { noticeCard } from "../../../cards/messages.ts";
import type { AdminService } from "../../../domain/admin.ts";
import { ValidationError } from "../../../domain/errors.ts";
import type { WorkPackage } from "../../../domain/types.ts";
import type { Feature, HandlerContext, Reply } from "../types.ts";
import { reply } from "../types.ts";

export interface AdminFeatureDeps {
  admin: AdminService;
  workPackages: () => Promise<WorkPackage[]>;
}

const NEED_REFERENCE = /\bN-\d{4}-\d{4,}\b/i;
const text = (v: unknown) => (typeof v === "string" ? v : "");

/** A form that came back invalid: re-rendered with the input kept, fields marked. */
export function invalid(ctx: HandlerContext, err: ValidationError, form: (errors: ValidationError["fields"]) => Reply["replace"]): Reply {
  const fieldErrors = Object.fromEntries(Object.entries(err.fields).map(([field, e]) => [field, ctx.t(e.key, e.params)]));
  return { cards: [], replace: form(err.fields), fieldErrors };
}

export function createAdminFeature(deps: AdminFeatureDeps): Feature {
  const { admin } = deps;

  const overview = async (ctx: HandlerContext) => reply(adminOverviewCard(ctx, await admin.overview(ctx.person)));

  async function newInitiative(ctx: HandlerContext, rest: string): Promise<Reply> {
    const reference = NEED_REFERENCE.exec(rest)?.[0];
    const values = await admin.initiativeDraft(ctx.person, reference);
    return reply(initiativeForm(ctx, { workPackages: await deps.workPackages(), values }));
  }

  const coordinators = async (ctx: HandlerContext) => reply(coordinatorsCard(ctx, await admin.coordinators(ctx.person)));

  return {
    intents: [
      {
        name: "admin.overview",
        phrases: ["admin", "administration", "administrera", "work packages", "arbetspaket", "initiatives"],
        helpKey: "help.admin",
        roles: ["admin"],
        handle: overview,
      },
      {
        name: "admin.initiativeNew",
        phrases: [
          "start an initiative from",
          "start initiative from",
          "starta initiativ från",
          "starta ett initiativ från",
          "new initiative",
          "nytt initiativ",
        ],
        helpKey: "help.initiativeFromNeed",
        roles: ["admin"],
        handle: newInitiative,
      },
      {
        name: "admin.coordinators",
        phrases: ["coordinators", "samordnare"],
        helpKey: "help.coordinators",
        roles: ["admin"],
        handle: coordinators,
      },
    ],
    once: ["admin.wpSave", "admin.wpPause", "admin.wpResume", "admin.initiativeCreate", "admin.coordinatorGrant", "admin.coordinatorRevoke"],
    actions: {
      "admin.overview": overview,
      "admin.wpEdit": async (ctx, data) => reply(workPackageForm(ctx, await admin.workPackage(ctx.person, data.workPackageId))),
      "admin.wpSave": async (ctx, data) => {
        try {
          const { workPackage, changed } = await admin.changeWorkPackage(ctx.person, data.workPackageId, data);
          const notice = noticeCard(ctx.t(changed ? "admin.wp.saved" : "admin.wp.unchanged", { code: workPackage.code }));
          return { cards: [], replace: notice };
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          const wp = await admin.workPackage(ctx.person, data.workPackageId);
          const values = { lead: text(data.lead), deputy: text(data.deputy), cadence: text(data.cadence) };
          return invalid(ctx, err, (errors) => workPackageForm(ctx, wp, { values, errors }));
        }
      },
      "admin.wpPause": async (ctx, data) => {
        const { workPackage, changed } = await admin.setPingsPaused(ctx.person, data.workPackageId, true);
        return reply(noticeCard(ctx.t(changed ? "admin.wp.pausedNow" : "admin.wp.alreadyPaused", { code: workPackage.code })), adminOverviewCard(ctx, await admin.overview(ctx.person)));
      },
      "admin.wpResume": async (ctx, data) => {
        const { workPackage, changed } = await admin.setPingsPaused(ctx.person, data.workPackageId, false);
        return reply(noticeCard(ctx.t(changed ? "admin.wp.resumedNow" : "admin.wp.alreadyRunning", { code: workPackage.code })), adminOverviewCard(ctx, await admin.overview(ctx.person)));
      },
      "admin.initiativeNew": (ctx, data) => newInitiative(ctx, text(data.needReference)),
      "admin.initiativeCreate": async (ctx, data) => {
        try {
          const initiative = await admin.createInitiative(ctx.person, data);
          return { cards: [], replace: noticeCard(ctx.t("admin.initiative.created", { code: initiative.code, title: initiative.title })) };
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          const values = { title: text(data.title), stage: text(data.stage), owner: text(data.owner), workPackage: text(data.workPackage), needReference: text(data.needReference) || undefined };
          const workPackages = await deps.workPackages();
          return invalid(ctx, err, (errors) => initiativeForm(ctx, { workPackages, values, errors }));
        }
      },
      "admin.coordinators": coordinators,
      "admin.coordinatorGrant": async (ctx, data) => {
        try {
          const { person, changed } = await admin.grantCoordinator(ctx.person, data);
          const list = coordinatorsCard(ctx, await admin.coordinators(ctx.person));
          return reply(noticeCard(ctx.t(changed ? "admin.coordinator.granted" : "admin.coordinator.already", { name: person.displayName })), list);
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          const list = await admin.coordinators(ctx.person);
          return invalid(ctx, err, (errors) => coordinatorsCard(ctx, list, { email: text(data.email), errors }));
        }
      },
      "admin.coordinatorRevoke": async (ctx, data) => {
        const { person, changed } = await admin.revokeCoordinator(ctx.person, data.personId);
        const list = coordinatorsCard(ctx, await admin.coordinators(ctx.person));
        return reply(noticeCard(ctx.t(changed ? "admin.coordinator.revoked" : "admin.coordinator.notOne", { name: person.displayName })), list);
      },
    },
  };
}
