// The one routing table every channel shares: text → intent, card action →
// verb handler. Domain errors become cards here, and only here.
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { cardContext } from "../../cards/context.ts";
import { errorCard, noticeCard } from "../../cards/messages.ts";
import { DomainError } from "../../domain/errors.ts";
import { hasRole } from "../../domain/permissions.ts";
import { hasKey } from "../../i18n/index.ts";
import { matchIntent } from "./intents.ts";
import type { ActionHandler, Feature, HandlerContext, IntentDefinition, Reply, Turn } from "./types.ts";

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
}

/** Records submissions already handled (the InboundEvent table): true the first time. */
export interface SubmissionLedger {
  firstSeen(platform: string, key: string): Promise<boolean>;
  forget(platform: string, key: string): Promise<void>;
}

export interface RouterOptions {
  log: Logger;
  submissions?: SubmissionLedger;
  /** Free text in a 1:1 chat that matches no intent. */
  fallback: (ctx: HandlerContext, text: string) => Promise<Reply>;
}

export function createRouter(features: Feature[], options: RouterOptions): Router {
  const intents = features.flatMap((f) => f.intents ?? []);
  const once = new Set(features.flatMap((f) => f.once ?? []));
  const actions = new Map<string, ActionHandler>();
  for (const feature of features) {
    for (const [verb, handler] of Object.entries(feature.actions ?? {})) {
      if (actions.has(verb)) throw new Error(`Card action verb registered twice: ${verb}`);
      actions.set(verb, handler);
    }
  }

  for (const verb of once) if (!actions.has(verb)) throw new Error(`"once" names a verb no feature registers: ${verb}`);

  function helpLines(turn: Turn): string[] {
    const { t } = cardContext(turn.person.locale);
    return intents.filter((i) => i.helpKey && (!i.roles || hasRole(turn.person, ...i.roles))).map((i) => t(i.helpKey!));
  }

  function context(turn: Turn): HandlerContext {
    return { ...cardContext(turn.person.locale), turn, person: turn.person, helpLines: () => helpLines(turn) };
  }

  function refusal(ctx: HandlerContext, err: DomainError): Reply {
    const detail =
      typeof err.params.detailKey === "string" && hasKey(err.params.detailKey) ? ctx.t(err.params.detailKey, err.params) : err.message;
    return { cards: [errorCard(ctx, ctx.t(`errors.${err.code}`, { ...err.params, detail }))] };
  }

  async function dispatch(ctx: HandlerContext, turn: Turn): Promise<Reply> {
    if (turn.action) {
      const { verb, data } = turn.action;
      const handler = typeof verb === "string" && VERB_PATTERN.test(verb) ? actions.get(verb) : undefined;
      if (!handler) throw new DomainError("unknown_action", `unknown verb ${String(verb).slice(0, 100)}`);
      const args = data && typeof data === "object" && !Array.isArray(data) ? data : {};
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
    verbs: () => [...actions.keys()].sort(),
    intents: () => intents,
  };
}
