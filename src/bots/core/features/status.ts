// Status pings as leads and coordinators meet them in chat: `status` shows the
// open forms, answers are stored per period, `away until`/`deputy` redirect
// pings, and coordinators ping again from an escalation card.
import { noticeCard } from "../../../cards/messages.ts";
import { STATUS_VERBS, statusForm, statusSavedCard } from "../../../cards/statusForm.ts";
import { ValidationError } from "../../../domain/errors.ts";
import { hasRole } from "../../../domain/permissions.ts";
import { statusFormInput } from "../../../domain/statusPings.ts";
import type { StatusService } from "../../../domain/statusService.ts";
import { formatDate } from "../../../i18n/format.ts";
import type { Feature, HandlerContext, Reply } from "../types.ts";
import { offerToReport } from "./needs.ts";
import { reply } from "../types.ts";

export function createStatusFeature(status: StatusService): Feature {
  async function showForms(ctx: HandlerContext): Promise<Reply> {
    const forms = await status.openForms(ctx.person);
    if (forms.length === 0) return reply(noticeCard(ctx.t("status.none")));
    return reply(forms.map((f) => statusForm(ctx, f)));
  }

  async function saved(ctx: HandlerContext, result: Awaited<ReturnType<StatusService["answer"]>>): Promise<Reply> {
    const { request, update, first } = result;
    return { cards: [], replace: statusSavedCard(ctx, request.subject, update, { firstAnswer: first, askedAt: request.askedAt }) };
  }

  return {
    intents: [
      { name: "status.give", phrases: ["status", "lägesrapport", "lagesrapport"], helpKey: "help.status", roles: ["lead"], handle: (ctx) => showForms(ctx) },
      {
        name: "status.away",
        phrases: ["away until", "borta till", "borta t o m"],
        helpKey: "help.away",
        roles: ["lead"],
        handle: async (ctx, rest) => {
          if (!rest.trim()) return reply(noticeCard(ctx.t("status.away.usage")));
          const until = await status.setAway(ctx.person, rest);
          return reply(noticeCard(ctx.t("status.away.set", { date: formatDate(ctx, until) })));
        },
      },
      {
        name: "status.deputy",
        phrases: ["deputy", "ställföreträdare", "stallforetradare"],
        roles: ["lead"],
        handle: async (ctx, rest) => {
          const arg = rest.trim();
          if (!/^(\S+@\S+|none|ingen|-)$/i.test(arg)) {
            // "Deputy mayor wants…" from an employee is a need, not a command.
            if (arg && !hasRole(ctx.person, "lead")) return offerToReport(ctx, ctx.turn.text ?? arg);
            return reply(noticeCard(ctx.t("status.deputy.usage")));
          }
          const { deputy, codes } = await status.setDeputy(ctx.person, rest);
          const list = codes.join(", ");
          return reply(noticeCard(deputy ? ctx.t("status.deputy.set", { name: deputy.displayName, codes: list }) : ctx.t("status.deputy.cleared", { codes: list })));
        },
      },
    ],
    once: [STATUS_VERBS.submit, STATUS_VERBS.noChange, STATUS_VERBS.pingAgain],
    actions: {
      [STATUS_VERBS.submit]: async (ctx, data) => {
        try {
          return await saved(ctx, await status.answer(ctx.person, data.requestId, data));
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          const request = await status.answerable(ctx.person, data.requestId);
          const form = statusForm(ctx, { ...(await status.formFor(ctx.person, request)), values: statusFormInput(data), errors: err.fields });
          const fieldErrors = Object.fromEntries(Object.entries(err.fields).map(([field, e]) => [field, ctx.t(e.key, e.params)]));
          return { cards: [], replace: form, fieldErrors };
        }
      },
      [STATUS_VERBS.noChange]: async (ctx, data) => saved(ctx, await status.repeatLast(ctx.person, data.requestId)),
      [STATUS_VERBS.pingAgain]: async (ctx, data) => {
        const { recipient, request, queued } = await status.pingAgain(ctx.person, data.requestId);
        const key = queued ? "status.pingAgain.done" : "status.pingAgain.already";
        return reply(noticeCard(ctx.t(key, { name: recipient.displayName, code: request.subject.code })));
      },
    },
  };
}
