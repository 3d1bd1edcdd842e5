// Needs intake and follow-up: report, similar needs, find a need to support,
// support, my needs, view, edit, withdraw.
import type { CardContext } from "../../../cards/context.ts";
import { NEED_FORM_VERBS, needForm } from "../../../cards/needForm.ts";
import { myNeedsCard, needCard, needCreatedCard, needSearchCard, similarNeedsCard } from "../../../cards/needCard.ts";
import { noticeCard, reportOfferCard } from "../../../cards/messages.ts";
import { ValidationError } from "../../../domain/errors.ts";
import { messageLink } from "../../../domain/messageLinks.ts";
import { draftFromText, needFormInput, parseNeedDraft, type NeedFormValues } from "../../../domain/needDraft.ts";
import type { NeedService } from "../../../domain/needs.ts";
import type { Department, Need } from "../../../domain/types.ts";
import type { FormDefinition, HandlerContext, Feature, Reply } from "../types.ts";
import { reply } from "../types.ts";

export interface NeedsFeatureDeps {
  needs: NeedService;
  departments: () => Promise<Department[]>;
}

/** The form re-rendered with the person's input kept and the invalid fields marked. */
function invalidForm(ctx: HandlerContext, err: ValidationError, departments: Department[], values: NeedFormValues, editing?: Need): Reply {
  const form = needForm(ctx, {
    departments,
    values: needFormInput(values),
    errors: err.fields,
    editing: editing ? { needId: editing.id, reference: editing.reference } : undefined,
    sourceUrl: messageLink(values.sourceUrl, ctx.turn.platform) ?? undefined,
  });
  const fieldErrors = Object.fromEntries(Object.entries(err.fields).map(([field, e]) => [field, ctx.t(e.key, e.params)]));
  return { cards: [], replace: form, fieldErrors };
}

export function createNeedsFeature(deps: NeedsFeatureDeps): Feature {
  const { needs } = deps;

  async function newForm(ctx: HandlerContext, text: string, sourceUrl?: string): Promise<Reply> {
    const prefill = text ? draftFromText(text) : {};
    const department = ctx.person.departmentId ? String(ctx.person.departmentId) : undefined;
    return reply(needForm(ctx, { departments: await deps.departments(), values: { ...prefill, department }, sourceUrl }));
  }

  async function submit(ctx: HandlerContext, data: Record<string, unknown>): Promise<Reply> {
    try {
      const sourceUrl = messageLink(data.sourceUrl, ctx.turn.platform);
      const result = await needs.submit(ctx.person, data, { skipSimilar: data.skipSimilar === true, sourceUrl, submissionKey: ctx.submissionKey });
      if (result.kind === "similar") {
        const draft = { ...needFormInput(data), ...(sourceUrl ? { sourceUrl } : {}) };
        return { cards: [], replace: similarNeedsCard(ctx, result.similar, draft) };
      }
      // A double click or a replay sees the need its first click saved.
      return { cards: [], replace: needCreatedCard(ctx, result.need, { repeated: result.kind === "repeated" }) };
    } catch (err) {
      if (err instanceof ValidationError) return invalidForm(ctx, err, await deps.departments(), data);
      throw err;
    }
  }

  async function view(ctx: HandlerContext, needId: unknown): Promise<Reply> {
    const { need, events, canChange } = await needs.view(ctx.person, needId);
    return reply(needCard(ctx, need, events, { canChange }));
  }

  const departments = deps.departments;
  /**
   * The need form's own rules are checked by the router on every channel; when
   * they fail, the domain's checks (e.g. minimum lengths) are added so the
   * person sees every problem at once.
   */
  const needFormDefinition = (editing: boolean): FormDefinition => ({
    form: async (ctx, data) => {
      const need = editing ? await needs.changeable(ctx.person, data.needId) : undefined;
      return needForm(ctx, { departments: await departments(), values: {}, ...(need ? { editing: { needId: need.id, reference: need.reference } } : {}) });
    },
    invalid: async (ctx, data, errors) => {
      const all = await departments();
      let fields = errors;
      try {
        parseNeedDraft(data, all.map((d) => d.id));
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        fields = { ...errors, ...err.fields };
      }
      return invalidForm(ctx, new ValidationError(fields), all, data, editing ? await needs.load(data.needId) : undefined);
    },
  });

  return {
    once: ["need.save", "need.withdraw", "need.support"],
    storesSubmission: ["need.submit"],
    forms: { [NEED_FORM_VERBS.create]: needFormDefinition(false), [NEED_FORM_VERBS.edit]: needFormDefinition(true) },
    intents: [
      {
        name: "need.new",
        phrases: ["new need", "nytt behov", "report need", "rapportera behov"],
        helpKey: "help.report",
        handle: (ctx, rest) => newForm(ctx, rest),
      },
      {
        name: "need.find",
        phrases: ["find need", "find needs", "search needs", "sök behov", "hitta behov"],
        helpKey: "help.find",
        handle: async (ctx, rest) => reply(needSearchCard(ctx, rest, rest ? await needs.find(rest) : [])),
      },
      {
        name: "need.mine",
        phrases: ["my needs", "mina behov"],
        helpKey: "help.mine",
        handle: async (ctx) => {
          const { reported, supported } = await needs.mine(ctx.person);
          return reply(myNeedsCard(ctx, reported, supported));
        },
      },
    ],
    actions: {
      "need.new": (ctx, data) =>
        newForm(ctx, typeof data.text === "string" ? data.text : "", messageLink(data.sourceUrl, ctx.turn.platform) ?? undefined),
      "need.submit": submit,
      "need.mine": async (ctx) => {
        const { reported, supported } = await needs.mine(ctx.person);
        return reply(myNeedsCard(ctx, reported, supported));
      },
      "need.view": (ctx, data) => view(ctx, data.needId),
      "need.support": async (ctx, data) => {
        const { need, added, own } = await needs.support(ctx.person, data.needId);
        const key = own ? "need.ownNeed" : added ? "need.supported" : "need.alreadySupported";
        return { cards: [], replace: noticeCard(ctx.t(key, { reference: need.reference })) };
      },
      "need.edit": async (ctx, data) => {
        const need = await needs.changeable(ctx.person, data.needId);
        return reply(
          needForm(ctx, {
            departments: await deps.departments(),
            values: {
              title: need.title,
              problem: need.problem,
              affected: need.affected,
              benefit: need.benefit,
              sustainability: need.sustainability.join(","),
              showName: need.showReporterName ? "show" : "",
              urgency: need.urgency,
              department: need.departmentId ? String(need.departmentId) : undefined,
            },
            editing: { needId: need.id, reference: need.reference },
          }),
        );
      },
      "need.save": async (ctx, data) => {
        try {
          const need = await needs.edit(ctx.person, data.needId, data);
          const { events } = await needs.view(ctx.person, need.id);
          return { cards: [noticeCard(ctx.t("need.updated", { reference: need.reference }))], replace: needCard(ctx, need, events, { canChange: true }) };
        } catch (err) {
          if (err instanceof ValidationError) {
            const need = await needs.load(data.needId);
            return invalidForm(ctx, err, await deps.departments(), data, need);
          }
          throw err;
        }
      },
      "need.withdraw": async (ctx, data) => {
        const need = await needs.withdraw(ctx.person, data.needId);
        const { events } = await needs.view(ctx.person, need.id);
        return { cards: [noticeCard(ctx.t("need.withdrawn", { reference: need.reference }))], replace: needCard(ctx, need, events, { canChange: false }) };
      },
    },
  };
}

/** Free text in a 1:1 chat: offer to report it as a need. */
export async function offerToReport(ctx: HandlerContext, text: string): Promise<Reply> {
  return reply(reportOfferCard(ctx, text));
}
