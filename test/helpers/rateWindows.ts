// What a strict platform does: counts each key's requests in sliding windows
// as they arrive and refuses one that would exceed a window's limit (429).
// Written apart from src/jobs/pacing.ts on purpose: the stand-ins judge the
// limiter, so they must not share its arithmetic.
export interface StrictWindow {
  limit: number;
  ms: number;
}

export function createRateWindows() {
  const accepted = new Map<string, number[]>();
  let refused = 0;
  return {
    /** True when the request is within every window of `key` (and is counted); false: answer 429. */
    admit(key: string, windows: readonly StrictWindow[], now: number): boolean {
      const times = accepted.get(key) ?? [];
      const longest = Math.max(...windows.map((w) => w.ms));
      while (times.length && times[0]! <= now - longest) times.shift();
      for (const { limit, ms } of windows) {
        if (times.filter((t) => t > now - ms).length >= limit) {
          refused++;
          return false;
        }
      }
      times.push(now);
      accepted.set(key, times);
      return true;
    },
    /** 429s answered so far. */
    get refused() {
      return refused;
    },
  };
}

/**
 * What a test changes on a stand-in while it runs: the round trip, the strict
 * limits and an outage; `expose` puts them on the stand-in's public object as
 * properties, `delay` waits one round trip.
 */
export function createBehaviour<Limits, Failure>() {
  const state = { roundTripMs: 0 as number | [number, number], limits: null as Limits | null, outage: null as Failure | null };
  return {
    state,
    delay(): Promise<void> {
      const rt = state.roundTripMs;
      const ms = Array.isArray(rt) ? rt[0] + Math.random() * (rt[1] - rt[0]) : rt;
      return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
    },
    expose<T extends object>(target: T): T & typeof state {
      const property = <K extends keyof typeof state>(key: K): PropertyDescriptor => ({
        enumerable: true,
        get: () => state[key],
        set: (value: (typeof state)[K]) => {
          state[key] = value;
        },
      });
      return Object.defineProperties(target, { roundTripMs: property("roundTripMs"), limits: property("limits"), outage: property("outage") }) as T & typeof state;
    },
  };
}
