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
   * Reserves, for every key at once, the earliest moment all of them allow one
   * more request, if it is at most `maxWaitMs` after `at` (ms): the caller
   * waits `wait` ms and sends (taken). A later moment is not reserved (not
   * taken; `wait` says how long): the message steps aside. Reservations are
   * first come, first served, so waiting senders do not race for each slot.
   */
  take(keys: readonly LimitKey[], at: number, maxWaitMs: number): Promise<{ wait: number; taken: boolean }>;
  /** A 429: nothing goes to `key` before `until` (ms), from any sender sharing this limiter. */
  pause(key: string, until: number): Promise<void>;
}

/**
 * How long until `windows` allow one more request, given the times of the ones
 * sent (ascending). Requests are also spread evenly over the first (shortest)
 * window, one per ms/limit: a burst of 50 started in one tick arrives spread
 * over however long the process takes to send them, and the first of the next
 * burst can then arrive less than a window after the last of this one.
 */
export function windowWait(times: readonly number[], windows: readonly Window[], at: number, margin = WINDOW_MARGIN_MS): number {
  const first = windows[0];
  let wait = first && times.length ? times[times.length - 1]! + first.ms / first.limit - at : 0;
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

/**
 * The event loop's recent delay (a decaying maximum, in ms). A busy process
 * starts its requests that much later than it counted them, so the limiter
 * adds it to the margin rather than collect 429s that cost a second each.
 */
export function createLagMonitor(periodMs = 50): () => number {
  let recent = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    recent = Math.max(now - last - periodMs, recent * 0.95);
    last = now;
  }, periodMs);
  timer.unref();
  return () => Math.min(500, Math.max(0, recent));
}

/** A limiter for one process: the windows in memory. `marginMs`: see WINDOW_MARGIN_MS. */
export function createMemoryLimiter(options: { marginMs?: number; lag?: () => number } = {}): Limiter {
  const base = options.marginMs ?? WINDOW_MARGIN_MS;
  const lag = options.lag ?? (() => 0);
  const sent = new Map<string, number[]>();
  const paused = new Map<string, number>();
  const longest = (windows: readonly Window[]) => Math.max(...windows.map((w) => w.ms)) + base + 500;

  return {
    async take(keys, at, maxWaitMs) {
      const margin = base + lag();
      let wait = 0;
      for (const { key, windows } of keys) {
        const times = sent.get(key) ?? [];
        // Forget what no window looks at any more.
        const keep = at - longest(windows);
        let drop = 0;
        while (drop < times.length && times[drop]! <= keep) drop++;
        if (drop) times.splice(0, drop);
        if (times.length === 0) sent.delete(key);
        // Every reservation is later than the ones before it, so each key's
        // constraint is a moment to wait for, whatever the other keys say.
        wait = Math.max(wait, windowWait(times, windows, at, margin), (paused.get(key) ?? 0) - at);
      }
      wait = Math.ceil(wait);
      if (wait > maxWaitMs) return { wait, taken: false };
      for (const { key } of keys) {
        const times = sent.get(key) ?? [];
        times.push(at + wait);
        sent.set(key, times);
      }
      return { wait, taken: true };
    },
    async pause(key, until) {
      paused.set(key, Math.max(until, paused.get(key) ?? 0));
    },
  };
}
