// Proactive delivery to Slack: the person's DM (opened once, kept as the
// account's conversation ref) or a channel id; `channel:ts` as ref so a card
// can be updated in place. The client used here never retries by itself:
// the outbox decides (Retry-After → rate_limited, gone → unreachable).
import { webApi } from "@slack/bolt";
import type { App } from "../../app.ts";
import { translator } from "../../i18n/index.ts";
import type { Locale } from "../../domain/types.ts";
import type { Store } from "../../store/index.ts";
import { DeliveryError, type Deliverer } from "../delivery.ts";
import type { Logger } from "pino";
import { toMessage, type RenderOptions } from "./blockKit.ts";

/**
 * Errors about this recipient (api.slack.com/methods/chat.postMessage#errors):
 * the person or channel cannot be reached any more.
 */
const UNREACHABLE = new Set(["user_not_found", "channel_not_found", "is_archived", "not_in_channel", "user_disabled", "cannot_dm_bot"]);
/** Errors about the app itself (token, workspace, scopes): every message would fail the same way. */
const CONFIG = new Set(["invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "missing_scope", "no_permission", "team_access_not_granted"]);
const TRANSIENT = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout"]);

/** Maps a Web API failure onto the outbox's rules. */
export function classifySlackFailure(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  if (e.code === webApi.ErrorCode.RateLimitedError) return new DeliveryError("rate_limited", "Slack answered 429", Math.max(1, e.retryAfter ?? 1) * 1000);
  if (e.code === webApi.ErrorCode.PlatformError) {
    const error = e.data?.error ?? "unknown";
    if (UNREACHABLE.has(error)) return new DeliveryError("unreachable", `Slack: ${error}`);
    if (CONFIG.has(error)) return new DeliveryError("config", `Slack: ${error}`);
    if (error === "ratelimited") return new DeliveryError("rate_limited", "Slack: ratelimited", 1000);
    if (TRANSIENT.has(error)) return new DeliveryError("transient", `Slack: ${error}`);
    return new DeliveryError("permanent", `Slack: ${error}`);
  }
  if (e.code === webApi.ErrorCode.HTTPError) {
    const status = e.statusCode ?? 500;
    // 401/403 at the HTTP level: the token or the API URL; 404: SLACK_API_URL points nowhere.
    if (status === 401 || status === 403 || status === 404) return new DeliveryError("config", `Slack HTTP ${status}`);
    return new DeliveryError(status >= 500 || status === 408 ? "transient" : "permanent", `Slack HTTP ${status}`);
  }
  if (e.code === webApi.ErrorCode.RequestError) return new DeliveryError("transient", `Slack unreachable: ${e.message}`);
  return new DeliveryError("transient", e.message ?? String(err));
}

/**
 * A Web API client that never retries or waits by itself: a 429 comes back at
 * once with its Retry-After. `timeoutMs` aborts a request that hangs (the
 * WebClient waits forever by default).
 */
export function createDeliveryClient(botToken: string, slackApiUrl: string, logger?: webApi.Logger, timeoutMs = 20_000): webApi.WebClient {
  return new webApi.WebClient(botToken, { slackApiUrl, logger, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: timeoutMs });
}

/** The Slack deliverer of a running app (the server's Slack channel, the CLI's outbox job). */
export function appSlackDeliverer(app: App, botToken: string, slackApiUrl: string, logger?: webApi.Logger): Deliverer {
  return createSlackDeliverer({ store: app.store, client: createDeliveryClient(botToken, slackApiUrl, logger), defaultLocale: app.config.defaultLocale, clock: app.clock, log: app.log, servesChoices: (verb) => app.router.hasForm(verb) });
}

export function createSlackDeliverer(deps: { store: Store; client: webApi.WebClient; defaultLocale: Locale; clock?: () => Date; log?: Pick<Logger, "warn">; servesChoices?: (verb: string) => boolean }): Deliverer {
  const { store, client } = deps;
  const render: RenderOptions = {
    warn: (element, detail) => deps.log?.warn({ element, detail }, "Slack shows a card element only as a fallback"),
    servesChoices: deps.servesChoices ?? (() => false),
  };

  /** The person's DM channel: the one kept on the account, or opened now (and kept). */
  async function openDm(accountId: number, userId: string): Promise<string> {
    const opened = await client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (!channel) throw new DeliveryError("transient", "conversations.open returned no channel");
    await store.people.setConversationRef(accountId, channel);
    return channel;
  }

  return {
    platform: "slack",
    async prepare(target) {
      const account = target.kind === "person" ? target.account : null;
      if (target.kind !== "person" || !account || account.platform !== "slack" || account.conversationRef) return target;
      try {
        return { ...target, account: { ...account, conversationRef: await openDm(account.id, account.userId) } };
      } catch (err) {
        throw classifySlackFailure(err);
      }
    },
    async deliver(target, card) {
      const locale = target.kind === "person" ? target.person.locale : deps.defaultLocale;
      const message = toMessage(card, translator(locale), render);
      if (target.kind === "channel") {
        try {
          const sent = await client.chat.postMessage({ channel: target.id, ...message });
          return { ref: `${sent.channel ?? target.id}:${sent.ts}` };
        } catch (err) {
          throw classifySlackFailure(err);
        }
      }
      const account = target.account;
      if (!account || account.platform !== "slack") throw new DeliveryError("unreachable", `person ${target.person.id} has no Slack account`);
      try {
        const kept = account.conversationRef;
        const channel = kept ?? (await openDm(account.id, account.userId));
        try {
          const sent = await client.chat.postMessage({ channel, ...message });
          return { ref: `${sent.channel ?? channel}:${sent.ts}` };
        } catch (err) {
          // A DM kept from earlier may be gone: reopen it once before giving up on the person.
          if (!kept || classifySlackFailure(err).message !== "Slack: channel_not_found") throw err;
          const reopened = await openDm(account.id, account.userId);
          const sent = await client.chat.postMessage({ channel: reopened, ...message });
          return { ref: `${sent.channel ?? reopened}:${sent.ts}` };
        }
      } catch (err) {
        throw classifySlackFailure(err);
      }
    },
    async update(ref, card) {
      const cut = ref.lastIndexOf(":");
      if (cut <= 0) throw new DeliveryError("permanent", `not a Slack message ref: ${ref}`);
      try {
        await client.chat.update({ channel: ref.slice(0, cut), ts: ref.slice(cut + 1), ...toMessage(card, translator(deps.defaultLocale), render) });
      } catch (err) {
        throw classifySlackFailure(err);
      }
    },
  };
}
