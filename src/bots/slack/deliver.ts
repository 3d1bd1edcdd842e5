// Proactive delivery to Slack: the person's DM (opened once, kept as the
// account's conversation ref) or a channel id; `channel:ts` as ref so a card
// can be updated in place. The client used here never retries by itself:
// the outbox decides (Retry-After → rate_limited, gone → unreachable).
import { webApi } from "@slack/bolt";
import { translator } from "../../i18n/index.ts";
import type { Locale } from "../../domain/types.ts";
import type { Store } from "../../store/index.ts";
import { DeliveryError, type Deliverer } from "../delivery.ts";
import type { Logger } from "pino";
import { toMessage, type RenderOptions } from "./blockKit.ts";

/** Errors meaning the person or channel cannot be reached any more (api.slack.com/methods/chat.postMessage#errors). */
const UNREACHABLE = new Set(["account_inactive", "user_not_found", "channel_not_found", "is_archived", "not_in_channel", "user_disabled", "cannot_dm_bot"]);

/** A Web API client that never retries or waits by itself: a 429 comes back at once with its Retry-After. */
export function createDeliveryClient(botToken: string, slackApiUrl: string, logger?: webApi.Logger): webApi.WebClient {
  return new webApi.WebClient(botToken, { slackApiUrl, logger, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
}

export function createSlackDeliverer(deps: { store: Store; client: webApi.WebClient; defaultLocale: Locale; clock?: () => Date; log?: Pick<Logger, "warn">; servesChoices?: (verb: string) => boolean }): Deliverer {
  const { store, client } = deps;
  const clock = deps.clock ?? (() => new Date());
  const render: RenderOptions = {
    warn: (element, detail) => deps.log?.warn({ element, detail }, "Slack shows a card element only as a fallback"),
    servesChoices: deps.servesChoices ?? (() => false),
  };

  function failure(err: unknown): DeliveryError {
    const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
    if (e.code === webApi.ErrorCode.RateLimitedError) return new DeliveryError("rate_limited", "Slack answered 429", Math.max(1, e.retryAfter ?? 1) * 1000);
    if (e.code === webApi.ErrorCode.PlatformError) {
      const error = e.data?.error ?? "unknown";
      if (UNREACHABLE.has(error)) return new DeliveryError("unreachable", `Slack: ${error}`);
      if (error === "ratelimited") return new DeliveryError("rate_limited", "Slack: ratelimited", 1000);
      if (error === "internal_error" || error === "fatal_error" || error === "service_unavailable") return new DeliveryError("transient", `Slack: ${error}`);
      return new DeliveryError("permanent", `Slack: ${error}`);
    }
    if (e.code === webApi.ErrorCode.HTTPError) {
      return new DeliveryError((e.statusCode ?? 500) >= 500 ? "transient" : "permanent", `Slack HTTP ${e.statusCode}`);
    }
    if (e.code === webApi.ErrorCode.RequestError) return new DeliveryError("transient", `Slack unreachable: ${e.message}`);
    return new DeliveryError("permanent", e.message ?? String(err));
  }

  return {
    platform: "slack",
    async deliver(target, card) {
      const locale = target.kind === "person" ? target.person.locale : deps.defaultLocale;
      const message = toMessage(card, translator(locale), render);
      if (target.kind === "channel") {
        try {
          const sent = await client.chat.postMessage({ channel: target.id, ...message });
          return { ref: `${sent.channel ?? target.id}:${sent.ts}` };
        } catch (err) {
          throw failure(err);
        }
      }
      const account = target.account;
      if (!account || account.platform !== "slack") throw new DeliveryError("unreachable", `person ${target.person.id} has no Slack account`);
      try {
        let channel = account.conversationRef;
        if (!channel) {
          const opened = await client.conversations.open({ users: account.userId });
          channel = opened.channel?.id ?? null;
          if (!channel) throw new DeliveryError("transient", "conversations.open returned no channel");
          await store.people.setConversationRef(account.id, channel);
        }
        const sent = await client.chat.postMessage({ channel, ...message });
        return { ref: `${sent.channel ?? channel}:${sent.ts}` };
      } catch (err) {
        const error = err instanceof DeliveryError ? err : failure(err);
        if (error.failure === "unreachable") await store.people.markUnreachable(account.id, clock());
        throw error;
      }
    },
    async update(ref, card) {
      const cut = ref.lastIndexOf(":");
      if (cut <= 0) throw new DeliveryError("permanent", `not a Slack message ref: ${ref}`);
      try {
        await client.chat.update({ channel: ref.slice(0, cut), ts: ref.slice(cut + 1), ...toMessage(card, translator(deps.defaultLocale), render) });
      } catch (err) {
        throw failure(err);
      }
    },
  };
}
