// Rate limits per key (tenant, conversation, channel), kept the way the
// platforms count them: sliding windows. The outbox asks before each send and
// never waits holding a send slot: a key that must wait says for how long, and
// the message steps aside (docs/PERFORMANCE.md, "Fan-out").

/** At most `limit` requests in any `ms` milliseconds. */
export interface Window {
  limit: number;
  ms: number;
}

export interface LimitKey {
  key: string;
  windows: readonly Window[];
}

/**
 * Teams: 50 requests/s per bot and tenant; per conversation 7 per second,
 * 8 per 2 s, 60 per 30 s and 1,800 per hour (learn.microsoft.com, "Rate
 * limiting for bots", per-thread limits). Slack: about one message per second
 * per channel (api.slack.com chat.postMessage); conversations.open is a Tier 3
 * method (50+ a minute per workspace).
 */
export const PLATFORM_LIMITS = {
  teamsTenant: [{ limit: 50, ms: 1000 }],
  teamsConversation: [
    { limit: 7, ms: 1000 },
    { limit: 8, ms: 2000 },
    { limit: 60, ms: 30_000 },
    { limit: 1800, ms: 3_600_000 },
  ],
  slackChannel: [{ limit: 1, ms: 1000 }],
  slackWorkspace: [{ limit: 50, ms: 60_000 }],
} as const satisfies Record<string, readonly Window[]>;

/**
 * Every window is counted this much longer than the platform's: the platform
 * counts a request when it arrives, we when we start it, and the time between
 * varies with the network and a busy event loop. 60 ms costs 6 % of a 1 s window.
 */
export const WINDOW_MARGIN_MS = 60;

export interface Limiter {
  /**
   * Takes one request from every key when all of them allow it at `at` (ms)
   * and returns 0; otherwise takes nothing and returns how many ms to wait.
   */
  tryTake(keys: readonly LimitKey[], at: number): Promise<number>;
  /** A 429: nothing goes to `key` before `until` (ms), from any sender sharing this limiter. */
  pause(key: string, until: number): Promise<void>;
}

/** How long until `windows` allow one more request, given the times of the ones sent (ascending). */
export function windowWait(times: readonly number[], windows: readonly Window[], at: number, margin = WINDOW_MARGIN_MS): number {
  let wait = 0;
  for (const { limit, ms } of windows) {
    const span = ms + margin;
    // The requests inside the window ending at `at`.
    let first = times.length;
    while (first > 0 && times[first - 1]! > at - span) first--;
    const inside = times.length - first;
    if (inside >= limit) wait = Math.max(wait, times[times.length - limit]! + span - at);
  }
  return Math.max(0, Math.ceil(wait));
}

/** A limiter for one process: the windows in memory. `marginMs`: see WINDOW_MARGIN_MS. */
export function createMemoryLimiter(options: { marginMs?: number } = {}): Limiter {
  const margin = options.marginMs ?? WINDOW_MARGIN_MS;
  const sent = new Map<string, number[]>();
  const paused = new Map<string, number>();
  const longest = (windows: readonly Window[]) => Math.max(...windows.map((w) => w.ms)) + margin;

  return {
    async tryTake(keys, at) {
      let wait = 0;
      for (const { key, windows } of keys) {
        const times = sent.get(key) ?? [];
        // Forget what no window looks at any more.
        const keep = at - longest(windows);
        let drop = 0;
        while (drop < times.length && times[drop]! <= keep) drop++;
        if (drop) times.splice(0, drop);
        if (times.length === 0) sent.delete(key);
        wait = Math.max(wait, windowWait(times, windows, at, margin), (paused.get(key) ?? 0) - at);
      }
      if (wait > 0) return Math.ceil(wait);
      for (const { key } of keys) {
        const times = sent.get(key) ?? [];
        times.push(at);
        sent.set(key, times);
      }
      return 0;
    },
    async pause(key, until) {
      paused.set(key, Math.max(until, paused.get(key) ?? 0));
    },
  };
}
