// Rate limits per key (tenant, conversation, channel), kept the way the
// platforms count them: sliding windows. The outbox asks before each send and
// never waits holding a send slot: a key that must wait says for how long, and
// the message steps aside (docs/PERFORMANCE.md, "Fan-out").
import type { KeyLog } from "../store/rateLimits.ts";

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

/** A turn: wait `wait` ms and send (taken; `reserved` is the moment reserved), or step aside for `wait` ms. */
export type Reservation = { taken: true; wait: number; reserved: number } | { taken: false; wait: number };

export interface Limiter {
  /**
   * Reserves, for every key at once, the earliest moment all of them allow one
   * more request, if it is at most `maxWaitMs` after `at` (ms): the caller
   * waits `wait` ms and sends (taken). A later moment is not reserved (not
   * taken; `wait` says how long): the message steps aside. Reservations are
   * first come, first served, so waiting senders do not race for each slot.
   */
  take(keys: readonly LimitKey[], at: number, maxWaitMs: number): Promise<Reservation>;
  /**
   * A send that starts late: its reservation at `from` moves to `at` (the
   * caller's clock, now) in every key's log, if every window allows the send
   * there; true when moved. Otherwise nothing changes, and the caller takes a
   * new turn (the old reservation stays counted: the windows err on the safe side).
   */
  move(keys: readonly LimitKey[], from: number, at: number): Promise<boolean>;
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
 * The margin of each window (WINDOW_MARGIN_MS), and the event loop's recent
 * delay (createLagMonitor), which widens the margin of keys that take one
 * request per window (a Slack channel) only. There each request's gap to
 * the next is the whole window, so a send that leaves late after its turn
 * was checked (takeTurn) eats straight into it: without it, 44–57 Slack 429s
 * in a fan-out at 300 ms (docs/PERFORMANCE.md). A key of 50 a second (a
 * Teams tenant) saw none without it, and lost 4 % of its rate with it.
 */
export interface Margins {
  base: number;
  lag: number;
}
const marginOf = (windows: readonly Window[], { base, lag }: Margins) => base + (windows[0]?.limit === 1 ? lag : 0);

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

/**
 * What a limiter keeps of one key: the moments reserved for its sends
 * (ascending) and a 429's pause (nothing goes to the key before it; 0: none).
 */
export type { KeyLog } from "../store/rateLimits.ts";

/**
 * Nothing real is reserved or paused further ahead than this: a reservation
 * is at most the outbox's pacing wait (10 s) away, a 429 pauses at most 15 minutes.
 */
const MAX_AHEAD_MS = 3_600_000;

/**
 * Forgets what no window of `windows` looks at any more at `at`: times older
 * than the longest window, and all but the last `limit` times of the largest
 * window (no window counts further back). Times and a pause further ahead than
 * any reservation or Retry-After can be from another clock (a test's
 * fixed clock, a clock set back) and are dropped, so they cannot hold the key.
 */
export function trimLog(log: KeyLog, windows: readonly Window[], at: number, margin: number): void {
  const longest = Math.max(...windows.map((w) => w.ms)) + margin + 500;
  const most = Math.max(...windows.map((w) => w.limit));
  const { times } = log;
  let drop = 0;
  while (drop < times.length && (times[drop]! <= at - longest || times.length - drop > most)) drop++;
  if (drop) times.splice(0, drop);
  while (times.length && times[times.length - 1]! > at + MAX_AHEAD_MS) times.pop();
  if (log.pausedUntil > at + MAX_AHEAD_MS) log.pausedUntil = 0;
}

/**
 * One reservation against the logs of `keys` (created when missing): the
 * earliest moment all of them allow one more request, reserved in each when
 * it is at most `maxWaitMs` after `at`. Shared by the memory and database
 * limiters, so both count the same way.
 */
export function reserve(logs: Map<string, KeyLog>, keys: readonly LimitKey[], at: number, maxWaitMs: number, margins: Margins): Reservation {
  let wait = 0;
  for (const { key, windows } of keys) {
    const margin = marginOf(windows, margins);
    let log = logs.get(key);
    if (!log) logs.set(key, (log = { times: [], pausedUntil: 0 }));
    trimLog(log, windows, at, margin);
    // Every reservation is later than the ones before it, so each key's
    // constraint is a moment to wait for, whatever the other keys say.
    wait = Math.max(wait, windowWait(log.times, windows, at, margin), log.pausedUntil - at);
  }
  wait = Math.ceil(wait);
  if (wait > maxWaitMs) return { wait, taken: false };
  for (const { key } of keys) logs.get(key)!.times.push(at + wait);
  return { wait, taken: true, reserved: at + wait };
}

/**
 * Moves the reservation at `from` to `to` in the logs of `keys` if it is in
 * each (not yet trimmed away) and every window of every key still allows
 * `limit` requests at most in any window span there; all or nothing. A key
 * only one target sends to (a Slack channel, a Teams conversation) usually
 * allows it: its next reservation is made after this send. A busy shared key
 * (a tenant) does not: its next turns are reserved already.
 */
export function moveReservation(logs: Map<string, KeyLog>, keys: readonly LimitKey[], from: number, to: number, margins: Margins): boolean {
  const moved = new Map<string, number[]>();
  for (const { key, windows } of keys) {
    const margin = marginOf(windows, margins);
    const log = logs.get(key);
    const index = log?.times.indexOf(from) ?? -1;
    if (!log || index < 0 || log.pausedUntil > to) return false;
    const times = log.times.filter((_, i) => i !== index);
    let at = times.length;
    while (at > 0 && times[at - 1]! > to) at--;
    times.splice(at, 0, to);
    // limit + 1 consecutive requests around the moved one must span a whole window.
    for (const { limit, ms } of windows) {
      for (let i = Math.max(0, at - limit); i <= at && i + limit < times.length; i++) {
        if (times[i + limit]! - times[i]! < ms + margin) return false;
      }
    }
    moved.set(key, times);
  }
  for (const [key, times] of moved) logs.get(key)!.times = times;
  return true;
}

/** A 429 recorded in a key's log. */
export function pauseLog(logs: Map<string, KeyLog>, key: string, until: number): void {
  const log = logs.get(key) ?? { times: [], pausedUntil: 0 };
  log.pausedUntil = Math.max(until, log.pausedUntil);
  logs.set(key, log);
}

/** A limiter for one process: the windows in memory. `marginMs`: see WINDOW_MARGIN_MS. */
export function createMemoryLimiter(options: { marginMs?: number; lag?: () => number } = {}): Limiter {
  const base = options.marginMs ?? WINDOW_MARGIN_MS;
  const lag = options.lag ?? (() => 0);
  const logs = new Map<string, KeyLog>();
  return {
    async take(keys, at, maxWaitMs) {
      return reserve(logs, keys, at, maxWaitMs, { base, lag: lag() });
    },
    async move(keys, from, at) {
      return moveReservation(logs, keys, from, at, { base, lag: lag() });
    },
    async pause(key, until) {
      pauseLog(logs, key, until);
    },
  };
}

/** Where the database limiter keeps its logs (src/store/rateLimits.ts). */
export interface KeyLogStore {
  /**
   * In one transaction: locks the logs of `keys` (for every process sharing
   * the database), hands them to `change` and writes back what it changed.
   */
  update(keys: string[], change: (logs: Map<string, KeyLog>) => void): Promise<void>;
}

/** Requests handled together in one transaction, at most. */
const LIMITER_BATCH = 200;

type LimiterRequest =
  | { kind: "take"; keys: readonly LimitKey[]; at: number; since: number; maxWaitMs: number; resolve: (r: Reservation) => void; reject: (err: unknown) => void }
  | { kind: "move"; keys: readonly LimitKey[]; from: number; at: number; since: number; resolve: (moved: boolean) => void; reject: (err: unknown) => void }
  | { kind: "pause"; key: string; until: number; resolve: () => void; reject: (err: unknown) => void };

/**
 * One limiter for every process that sends (replicas, a `jobs run outbox`
 * beside the server): the logs live in the database, one row per key, and a
 * 429's pause reaches every sender. The requests of this process that arrive
 * while a transaction runs are reserved together in the next one, in arrival
 * order: a handful of statements per batch, not per message, so one process
 * sends as fast as with the memory limiter (docs/decisions/0006).
 *
 * A reservation is computed inside the transaction, after the key's lock is
 * held, at the caller's clock advanced by the time it waited for it: the
 * moment is never in the past of a reservation another process made before,
 * and the wait handed back counts from the answer, not from the request.
 */
export function createDatabaseLimiter(store: KeyLogStore, options: { marginMs?: number; lag?: () => number } = {}): Limiter {
  const base = options.marginMs ?? WINDOW_MARGIN_MS;
  const lag = options.lag ?? (() => 0);
  const queue: LimiterRequest[] = [];
  let flushing = false;

  async function flush() {
    while (queue.length) {
      const batch = queue.splice(0, LIMITER_BATCH);
      const keys = [...new Set(batch.flatMap((r) => (r.kind === "pause" ? [r.key] : r.keys.map((k) => k.key))))];
      let results: (Reservation & { at: number; since: number })[] | boolean[] = [];
      try {
        await store.update(keys, (logs) => {
          const margins = { base, lag: lag() };
          const now = performance.now();
          results = batch.map((r) => {
            if (r.kind === "pause") return void pauseLog(logs, r.key, r.until);
            const at = r.at + Math.round(now - r.since);
            if (r.kind === "move") return moveReservation(logs, r.keys, r.from, at, margins);
            return { ...reserve(logs, r.keys, at, r.maxWaitMs, margins), at, since: r.since };
          }) as typeof results;
        });
      } catch (err) {
        for (const r of batch) r.reject(err);
        continue;
      }
      const answered = performance.now();
      batch.forEach((r, i) => {
        const result = results[i];
        if (r.kind === "pause") return r.resolve();
        if (r.kind === "move") return r.resolve(result === true);
        const { at, since, ...reservation } = result as Reservation & { at: number; since: number };
        // The wait from now: the reservation was made at `at`, a moment ago.
        const late = Math.round(answered - since) - (at - r.at);
        r.resolve({ ...reservation, wait: reservation.taken ? Math.max(0, reservation.wait - late) : reservation.wait });
      });
    }
    flushing = false;
  }

  function enqueue(request: LimiterRequest) {
    queue.push(request);
    if (flushing) return;
    // After this tick: the requests made in the same tick go in one batch.
    flushing = true;
    setImmediate(() => void flush());
  }

  return {
    take(keys, at, maxWaitMs) {
      return new Promise((resolve, reject) => enqueue({ kind: "take", keys, at, since: performance.now(), maxWaitMs, resolve, reject }));
    },
    move(keys, from, at) {
      return new Promise((resolve, reject) => enqueue({ kind: "move", keys, from, at, since: performance.now(), resolve, reject }));
    },
    pause(key, until) {
      return new Promise((resolve, reject) => enqueue({ kind: "pause", key, until, resolve, reject }));
    },
  };
}
