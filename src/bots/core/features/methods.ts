// The catalogue of methods and tools in chat: `metoder [ord]` / `methods
// [words]` answers with the best matches, a card each; admins and the owning
// work package's lead edit a method with a form (checked again on the server).
import { methodCard, methodForm, methodsSummaryCard, type MethodFormValues } from "../../../cards/methodCard.ts";
import { noticeCard } from "../../../cards/messages.ts";
import { ValidationError } from "../../../domain/errors.ts";
import { methodName, type MethodService } from "../../../domain/methods.ts";
import type { Feature, HandlerContext, Reply } from "../types.ts";
import { reply } from "../types.ts";

const FORM_FIELDS = ["name", "nameEn", "description", "descriptionEn", "goodFor", "goodForEn", "effort", "links", "tags"] as const;

export function createMethodsFeature(deps: { methods: MethodService }): Feature {
  const { methods } = deps;

  async function search(ctx: HandlerContext, words: string): Promise<Reply> {
    const found = await methods.search(ctx.person, words);
    return reply([methodsSummaryCard(ctx, words.trim(), found.length), ...found.map((f) => methodCard(ctx, f.method, { editable: f.editable }))]);
  }

  // The edit form, rebuilt for the acting person: someone who may not edit the method gets a refusal, not a form.
  const form = async (ctx: HandlerContext, data: Record<string, unknown>) => methodForm(ctx, await methods.editable(ctx.person, data.methodId));

  return {
    intents: [{ name: "methods.search", phrases: ["metoder", "methods", "metodkatalog", "verktyg", "tools"], helpKey: "help.methods", handle: search }],
    forms: { "method.save": { form } },
    once: ["method.save"],
    actions: {
      "method.edit": async (ctx, data) => reply(await form(ctx, data)),
      "method.save": async (ctx, data) => {
        try {
          const method = await methods.edit(ctx.person, data);
          return { cards: [noticeCard(ctx.t("methods.saved", { name: methodName(ctx, method) }))], replace: methodCard(ctx, method, { editable: true }) };
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          const method = await methods.editable(ctx.person, data.methodId);
          const values = Object.fromEntries(FORM_FIELDS.map((f) => [f, typeof data[f] === "string" ? data[f] : ""])) as MethodFormValues;
          const fieldErrors = Object.fromEntries(Object.entries(err.fields).map(([field, e]) => [field, ctx.t(e.key, e.params)]));
          return { cards: [], replace: methodForm(ctx, method, { values, errors: err.fields }), fieldErrors };
        }
      },
    },
  };
}
