// The one routing table every channel shares: text → intent, card action →
// verb handler. Domain errors become cards here, and only here.
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { cardContext } from "../../cards/context.ts";
import { cardInputs, markInvalid, validateInputs } from "../../cards/inputRules.ts";
import { errorCard, noticeCard } from "../../cards/messages.ts";
import { DomainError } from "../../domain/errors.ts";
import { hasRole } from "../../domain/permissions.ts";
import { hasKey } from "../../i18n/index.ts";
import { matchIntent } from "./intents.ts";
import type { ActionHandler, CardAction, Feature, FormDefinition, HandlerContext, IntentDefinition, Reply, Turn } from "./types.ts";

/** Longest text a person may send; longer messages are refused, not truncated. */
export const MAX_TEXT_LENGTH = 4000;
const VERB_PATTERN = /^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)+$/;

/** One submission: where it came from, what it asks, and exactly what it carries. */
function submissionKey(submission: string, verb: string, data: Record<string, unknown>): string {
  const digest = createHash("sha256").update(JSON.stringify(data)).digest("base64url").slice(0, 22);
  return `submit:${submission.slice(0, 200)}|${verb}|${digest}`;
}

export interface Router {
  handle(turn: Turn): Promise<Reply>;
  /** Help lines for the intents this person can use. */
  helpLines(turn: Turn): string[];
  verbs(): string[];
  intents(): IntentDefinition[];
  /** True when `verb` declares the form it submits (its choices can be served by `choices`). */
  hasForm(verb: string): boolean;
  /** True when `verb`'s handler stores the submission's key itself (Feature.storesSubmission): no other record of it is needed. */
  storesSubmission(verb: string): boolean;
  /**
   * Choices of input `inputId` in the form that `source` submits, rebuilt for
   * this person, whose title or value contains `query` (case-insensitive), at most `limit`.
   */
  choices(turn: Omit<Turn, "action" | "text">, source: CardAction, inputId: string, query: string, limit: number): Promise<{ title: string; value: string }[]>;
}

/** Records submissions already handled (the InboundEvent table): true the first time. */
export interface SubmissionLedger {
  firstSeen(platform: string, key: string): Promise<boolean>;
  forget(platform: string, key: string): Promise<void>;
}

export interface RouterOptions {
  log: Logger;
  /** Display zone (config TIMEZONE) every handler's cards show dates in. */
  zone: string;
  submissions?: SubmissionLedger;
  /** Free text in a 1:1 chat that matches no intent. */
  fallback: (ctx: HandlerContext, text: string) => Promise<Reply>;
}

export function createRouter(features: Feature[], options: RouterOptions): Router {
  const intents = features.flatMap((f) => f.intents ?? []);
  const once = new Set(features.flatMap((f) => f.once ?? []));
  const stores = new Set(features.flatMap((f) => f.storesSubmission ?? []));
  const actions = new Map<string, ActionHandler>();
  for (const feature of features) {
    for (const [verb, handler] of Object.entries(feature.actions ?? {})) {
      if (actions.has(verb)) throw new Error(`Card action verb registered twice: ${verb}`);
      actions.set(verb, handler);
    }
  }
  const forms = new Map<string, FormDefinition>();
  for (const feature of features) for (const [verb, definition] of Object.entries(feature.forms ?? {})) forms.set(verb, definition);

  for (const verb of once) if (!actions.has(verb)) throw new Error(`"once" names a verb no feature registers: ${verb}`);
  for (const verb of stores) {
    if (!actions.has(verb)) throw new Error(`"storesSubmission" names a verb no feature registers: ${verb}`);
    if (once.has(verb)) throw new Error(`"${verb}" is both "once" and "storesSubmission": one record of a submission is enough`);
  }

  function helpLines(turn: Turn): string[] {
    const { t } = cardContext(turn.person.locale, options.zone);
    return intents.filter((i) => i.helpKey && (!i.roles || hasRole(turn.person, ...i.roles))).map((i) => t(i.helpKey!));
  }

  function context(turn: Turn): HandlerContext {
    return { ...cardContext(turn.person.locale, options.zone), turn, person: turn.person, helpLines: () => helpLines(turn) };
  }

  function refusal(ctx: HandlerContext, err: DomainError): Reply {
    const detail =
      typeof err.params.detailKey === "string" && hasKey(err.params.detailKey) ? ctx.t(err.params.detailKey, err.params) : err.message;
    return { cards: [errorCard(ctx, ctx.t(`errors.${err.code}`, { ...err.params, detail }))] };
  }

  /** The form's own input rules, on every channel: the form again with the errors marked, or undefined when valid. */
  async function checkForm(ctx: HandlerContext, verb: string, data: Record<string, unknown>): Promise<Reply | undefined> {
    const definition = forms.get(verb);
    if (!definition) return undefined;
    const form = await definition.form(ctx, data);
    const errors = validateInputs(form, data);
    for (const id of definition.advisory ?? []) delete errors[id];
    if (Object.keys(errors).length === 0) return undefined;
    if (definition.invalid) return definition.invalid(ctx, data, errors);
    const fieldErrors = Object.fromEntries(Object.entries(errors).map(([field, e]) => [field, ctx.t(e.key, e.params)]));
    return { cards: [], replace: markInvalid(form, data, errors, ctx.t), fieldErrors };
  }

  async function choices(turn: Omit<Turn, "action" | "text">, source: CardAction, inputId: string, query: string, limit: number) {
    const formOf = VERB_PATTERN.test(source.verb) ? forms.get(source.verb) : undefined;
    if (!formOf) throw new DomainError("unknown_action", `no form for verb ${source.verb.slice(0, 100)}`);
    const form = await formOf.form(context(turn), source.data);
    const input = cardInputs(form).find(({ input: i }) => i.id === inputId && i.type === "Input.ChoiceSet")?.input;
    const q = query.trim().toLocaleLowerCase();
    return (input?.type === "Input.ChoiceSet" ? input.choices : [])
      .filter((c) => !q || c.title.toLocaleLowerCase().includes(q) || c.value.toLocaleLowerCase() === q)
      .slice(0, limit);
  }

  async function dispatch(ctx: HandlerContext, turn: Turn): Promise<Reply> {
    if (turn.action) {
      const { verb, data } = turn.action;
      const handler = typeof verb === "string" && VERB_PATTERN.test(verb) ? actions.get(verb) : undefined;
      if (!handler) throw new DomainError("unknown_action", `unknown verb ${String(verb).slice(0, 100)}`);
      const args = data && typeof data === "object" && !Array.isArray(data) ? data : {};
      const invalid = await checkForm(ctx, verb, args);
      if (invalid) return invalid;
      // The handler's own insert refuses a repeat: the same key, no ledger row.
      if (stores.has(verb)) return handler(turn.submission ? { ...ctx, submissionKey: submissionKey(turn.submission, verb, args) } : ctx, args);
      const key = once.has(verb) && turn.submission && options.submissions ? submissionKey(turn.submission, verb, args) : undefined;
      if (!key) return handler(ctx, args);
      if (!(await options.submissions!.firstSeen(turn.platform, key))) {
        options.log.info({ personId: turn.person.id, verb, platform: turn.platform }, "repeated submission ignored");
        return { cards: [], replace: noticeCard(ctx.t("action.repeated")) };
      }
      let changed = false;
      try {
        const result = await handler(ctx, args);
        changed = !result.fieldErrors;
        return result;
      } finally {
        // Invalid fields or a refusal changed nothing: the corrected form may come again.
        if (!changed) await options.submissions!.forget(turn.platform, key);
      }
    }
    const text = (turn.text ?? "").trim();
    if (text.length > MAX_TEXT_LENGTH) throw new DomainError("too_large", "text too long", { max: MAX_TEXT_LENGTH });
    const match = matchIntent(intents, text);
    if (match) return match.intent.handle(ctx, match.rest);
    if (turn.personal && text) return options.fallback(ctx, text);
    return { cards: [errorCard(ctx, ctx.t("unknown.text"))] };
  }

  return {
    async handle(turn) {
      const ctx = context(turn);
      try {
        return await dispatch(ctx, turn);
      } catch (err) {
        if (err instanceof DomainError) {
          options.log.info({ code: err.code, personId: turn.person.id, verb: turn.action?.verb }, `refused: ${err.message}`);
          return refusal(ctx, err);
        }
        options.log.error({ err, personId: turn.person.id, verb: turn.action?.verb }, "turn failed");
        return { cards: [errorCard(ctx, ctx.t("errors.unexpected"))] };
      }
    },
    helpLines,
    choices,
    hasForm: (verb) => forms.has(verb),
    storesSubmission: (verb) => stores.has(verb),
    verbs: () => [...actions.keys()].sort(),
    intents: () => intents,
  };
}
