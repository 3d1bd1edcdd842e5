// The platform-neutral contract for proactive messages. The outbox worker
// resolves a target and hands the card to the deliverer of its platform; each
// channel (web, Teams, Slack) implements one Deliverer.
import type { AdaptiveCard } from "../cards/elements.ts";
import type { Person, Platform } from "../domain/types.ts";
import type { ChatAccount } from "../store/people.ts";

export type DeliveryTarget =
  /** A person, reached through one of their chat accounts (or the web chat inbox). */
  | { kind: "person"; person: Person; account: ChatAccount | null }
  /** A channel or conversation id on the platform (coordinator channels for digests). */
  | { kind: "channel"; id: string };

export interface Delivered {
  /** The platform's id of the sent message (Teams activity id, Slack channel:ts), for updating it in place. */
  ref: string;
}

export type DeliveryFailure =
  /** The person removed the app or the conversation is gone: stop trying this account. */
  | "unreachable"
  /** 429: try again after `retryAfterMs`. */
  | "rate_limited"
  /** 5xx, 412, timeouts, network: retry with backoff. */
  | "transient"
  /**
   * The channel itself is misconfigured (expired secret, revoked token, app
   * disabled): every message to it would fail the same way. Delivery on the
   * platform pauses, nothing is lost, and resumes when a probe succeeds.
   */
  | "config"
  /** Anything else: record and give up. */
  | "permanent";

export class DeliveryError extends Error {
  constructor(
    readonly failure: DeliveryFailure,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

export interface Deliverer {
  platform: Platform;
  /**
   * Makes sure a person's conversation exists (opens the Slack DM, creates the
   * Teams 1:1 chat) before the rate-limited send, so the send is one request;
   * returns the target with the account as it is now.
   */
  prepare?(target: DeliveryTarget): Promise<DeliveryTarget>;
  deliver(target: DeliveryTarget, card: AdaptiveCard): Promise<Delivered>;
  /** Replaces a card sent earlier (status changes), where the platform can. */
  update?(ref: string, card: AdaptiveCard): Promise<void>;
}
