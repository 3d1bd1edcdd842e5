// Coordinators' triage (queue, one need's decision form, the decisions) and
// the digest on demand; the reporter's answer to a coordinator's question.
import { digestCard } from "../../../cards/digestCard.ts";
import { errorCard, noticeCard } from "../../../cards/messages.ts";
import { triageNeedCard, triageQueueCard } from "../../../cards/triageCard.ts";
import type { Clock } from "../../../domain/needs.ts";
import type { DigestService } from "../../../domain/digests.ts";
import { DomainError, ValidationError } from "../../../domain/errors.ts";
import { canTriage, TRIAGE_ACTIONS, type TriageAction, type TriageService } from "../../../domain/triage.ts";
import type { ActionHandler, Feature, HandlerContext, Reply } from "../types.ts";
import { reply } from "../types.ts";

export interface TriageFeatureDeps {
  triage: TriageService;
  digests: DigestService;
  clock: Clock;
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

export function createTriageFeature(deps: TriageFeatureDeps): Feature {
  const { triage } = deps;

  async function queue(ctx: HandlerContext): Promise<Reply> {
    return reply(triageQueueCard(ctx, await triage.queue(ctx.person)));
  }

  async function digest(ctx: HandlerContext): Promise<Reply> {
    return reply(digestCard(ctx, await deps.digests.onDemand(ctx.person, deps.clock())));
  }

  function decide(action: TriageAction): ActionHandler {
    return async (ctx, data) => {
      try {
        const need = await triage.decide(ctx.person, action, data);
        const notice =
          action === "ask" ? ctx.t("triage.asked", { reference: need.reference }) : ctx.t("triage.decided", { reference: need.reference, status: ctx.t(`need.status.${need.status}`) });
        return { cards: [noticeCard(notice)], replace: triageNeedCard(ctx, await triage.view(ctx.person, need.id)) };
      } catch (err) {
        if (err instanceof ValidationError) {
          const view = await triage.view(ctx.person, data.needId);
          const values = { assignTo: str(data.assignTo), note: str(data.note), original: str(data.original) };
          const fieldErrors = Object.fromEntries(Object.entries(err.fields).map(([field, e]) => [field, ctx.t(e.key, e.params)]));
          return { cards: [], replace: triageNeedCard(ctx, view, { values, errors: err.fields }), fieldErrors };
        }
        // Someone decided a moment earlier: show the need as it is now, overwrite nothing.
        if (err instanceof DomainError && err.code === "conflict" && canTriage(ctx.person)) {
          return { cards: [errorCard(ctx, ctx.t("errors.conflict"))], replace: triageNeedCard(ctx, await triage.view(ctx.person, data.needId)) };
        }
        throw err;
      }
    };
  }

  // Every decision submits the need's decision form, rebuilt for the acting coordinator (triage.view checks the role).
  const decisionForm = async (ctx: HandlerContext, data: Record<string, unknown>) => triageNeedCard(ctx, await triage.view(ctx.person, data.needId));

  return {
    // The duplicate candidates listed are the likeliest; the domain accepts any need and explains its refusals.
    forms: Object.fromEntries(TRIAGE_ACTIONS.map((a) => [`triage.${a}`, { form: decisionForm, advisory: ["original"] }])),
    intents: [
      { name: "triage.queue", phrases: ["triage", "triagera", "triagekö"], helpKey: "help.triage", roles: ["coordinator"], handle: queue },
      { name: "digest", phrases: ["digest", "sammanfattning"], helpKey: "help.digest", roles: ["coordinator"], handle: digest },
    ],
    once: ["need.reply", ...TRIAGE_ACTIONS.map((a) => `triage.${a}`)],
    actions: {
      "triage.queue": queue,
      "triage.view": async (ctx, data) => reply(triageNeedCard(ctx, await triage.view(ctx.person, data.needId))),
      "digest.now": digest,
      ...Object.fromEntries(TRIAGE_ACTIONS.map((a) => [`triage.${a}`, decide(a)])),
      "need.reply": async (ctx, data) => {
        try {
          const need = await triage.reply(ctx.person, data);
          return { cards: [], replace: noticeCard(ctx.t("triage.replied", { reference: need.reference })) };
        } catch (err) {
          if (err instanceof ValidationError) return { cards: [errorCard(ctx, ctx.t("triage.error.answer"))], fieldErrors: { answer: ctx.t(Object.values(err.fields)[0].key, Object.values(err.fields)[0].params) } };
          throw err;
        }
      },
    },
  };
}
