// Digest and triage queries at 1,000, 10,000 and 100,000 needs (200 work
// packages): median time to build the coordinators' digest and the triage
// queue, and peak RSS of a process that only opens the store and builds them.
// Baseline: COUNT(*) over the same table through the same Prisma client, and
// the peak RSS of that process before building anything.
import { execFileSync } from "node:child_process";
import { tempDbUrl } from "./lib.ts";

const SIZES = [1_000, 10_000, 100_000];

/** Runs bench/digestChild.ts (seed or measure) in a process of its own and returns its JSON line. */
export function child(...args: string[]) {
  const out = execFileSync(process.execPath, ["--import", "tsx", "bench/digestChild.ts", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, number>;
}

export async function run() {
  const rows = [];
  const raw: Record<string, Record<string, number>> = {};
  for (const needs of SIZES) {
    const url = tempDbUrl();
    const { seedMs } = child("seed", url, String(needs));
    const m = child("measure", url);
    raw[needs] = { seedMs, ...m };
    const big = needs === 100_000;
    rows.push({
      benchmark: `digest build, ${needs.toLocaleString("en")} needs`,
      value: `${m.digestMs} ms`,
      baseline: `${m.baselineMs} ms (COUNT(*) needs)`,
      ratio: +(m.digestMs! / m.baselineMs!).toFixed(1),
      ...(big ? { target: "< 1000 ms", met: m.digestMs! < 1000 } : {}),
    });
    rows.push({
      benchmark: `triage queue, ${needs.toLocaleString("en")} needs`,
      value: `${m.triageMs} ms`,
      baseline: `${m.baselineMs} ms (COUNT(*) needs)`,
      ratio: +(m.triageMs! / m.baselineMs!).toFixed(1),
      ...(big ? { target: "< 1000 ms", met: m.triageMs! < 1000 } : {}),
    });
    rows.push({
      benchmark: `peak RSS digest + triage, ${needs.toLocaleString("en")} needs`,
      value: `${m.peakRssMiB} MiB`,
      baseline: `${m.baselineRssMiB} MiB (store open, COUNT(*))`,
      ratio: +(m.peakRssMiB! / m.baselineRssMiB!).toFixed(2),
      ...(big ? { target: "< 300 MB", met: m.peakRssMiB! * 1.048576 < 300 } : {}),
    });
  }
  return { rows, raw };
}
