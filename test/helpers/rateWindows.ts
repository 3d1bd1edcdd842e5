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
