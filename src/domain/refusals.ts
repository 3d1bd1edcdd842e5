// What a refused action leaves in the audit log: a bounded summary, never the
// whole forged payload (a probe stored rows of 250,000 characters), and only so
// many rows per person and minute (the rest are counted in the next row).

/** Characters of the payload kept in a refusal's audit row. */
export const REFUSAL_HEAD = 1024;
export const REFUSALS_PER_MINUTE = 30;

export interface RefusalSummary {
  verb: string;
  /** Length of the payload as JSON, or null when it could not be serialised. */
  size: number | null;
  keys: number;
  head: string;
  /** Refusals of this person not logged since the last row (over the rate limit). */
  suppressed?: number;
}

export function summariseRefusal(verb: string, data: Record<string, unknown>): RefusalSummary {
  let json: string | null;
  try {
    json = JSON.stringify(data);
  } catch {
    json = null; // nested too deep or cyclic: the size is all there is to say
  }
  return { verb: verb.slice(0, 100), size: json?.length ?? null, keys: Object.keys(data).length, head: (json ?? "").slice(0, REFUSAL_HEAD) };
}

/** Per-person fixed one-minute windows: whether to log this refusal, and how many were dropped before it. */
export function createRefusalLimiter(clock: () => Date, perMinute = REFUSALS_PER_MINUTE) {
  const windows = new Map<number, { start: number; count: number; suppressed: number }>();
  return (personId: number): { log: boolean; suppressed: number } => {
    const now = clock().getTime();
    let w = windows.get(personId);
    if (!w || now - w.start >= 60_000) {
      const suppressed = w?.suppressed ?? 0;
      if (windows.size > 10_000) windows.clear(); // bounded memory under a flood of identities
      w = { start: now, count: 0, suppressed };
      windows.set(personId, w);
    }
    w.count++;
    if (w.count > perMinute) {
      w.suppressed++;
      return { log: false, suppressed: 0 };
    }
    const suppressed = w.suppressed;
    w.suppressed = 0;
    return { log: true, suppressed };
  };
}
