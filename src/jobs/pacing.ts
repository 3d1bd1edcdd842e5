// Token buckets keyed by platform, tenant and conversation, so the outbox
// stays under each platform's published limits instead of collecting 429s.
// Pacing is about real elapsed time, so it reads the monotonic clock, not ctx.now.
import { setTimeout as sleep } from "node:timers/promises";

export interface Rate {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many may go at once after a quiet spell. */
  burst: number;
}

/**
 * Teams: 50 requests/s per bot and tenant, and about 7 messages/s to one
 * conversation (learn.microsoft.com "Rate limiting for bots", per-thread limits).
 * Slack: about one message per second per channel (api.slack.com chat.postMessage).
 *
 * A bucket lets `burst + perSecond` through in any one second (the burst, then
 * the refill), so burst + perSecond stays at the limit: a 50/50 tenant bucket
 * sent up to 100 in a second and collected a 429 for every second one, and
 * exactly 1/s to a Slack channel met 429s whenever the network jittered
 * (docs/PERFORMANCE.md, fan-out). The conversation bucket still bursts 7: the
 * benchmark sends each conversation too few pings to test it. The published
 * limits are in PLATFORM_LIMITS.
 */
export const PLATFORM_LIMITS = { teamsTenant: 50, teamsConversation: 7, slackChannel: 1 } as const;

export const PLATFORM_RATES = {
  teamsTenant: { perSecond: 47, burst: 3 },
  teamsConversation: { perSecond: 7, burst: 7 },
  slackChannel: { perSecond: 0.95, burst: 1 },
} satisfies Record<keyof typeof PLATFORM_LIMITS, Rate>;

export interface Pacer {
  /** Waits until every bucket in `keys` has a token, then takes one from each. */
  take(keys: { key: string; rate: Rate }[]): Promise<void>;
}

/** `now` and `wait` are the monotonic clock and a sleep; tests pass a virtual pair. */
export function createPacer(now: () => number = () => performance.now(), wait: (ms: number) => Promise<unknown> = sleep): Pacer {
  const buckets = new Map<string, { tokens: number; at: number }>();

  function refill(key: string, rate: Rate, t: number) {
    const b = buckets.get(key) ?? { tokens: rate.burst, at: t };
    b.tokens = Math.min(rate.burst, b.tokens + ((t - b.at) / 1000) * rate.perSecond);
    b.at = t;
    buckets.set(key, b);
    return b;
  }

  return {
    async take(keys) {
      for (;;) {
        const t = now();
        const waits = keys.map(({ key, rate }) => {
          const b = refill(key, rate, t);
          return b.tokens >= 1 ? 0 : ((1 - b.tokens) / rate.perSecond) * 1000;
        });
        const longest = Math.max(0, ...waits);
        if (longest === 0) {
          for (const { key } of keys) buckets.get(key)!.tokens -= 1;
          return;
        }
        await wait(Math.ceil(longest));
      }
    },
  };
}
