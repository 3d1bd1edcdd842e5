// `npm run bench`: runs every benchmark (or those named on the command line),
// prints a table and writes bench/results/latest.json. Each benchmark runs
// its baseline in the same process run, so ratios hold on a noisy machine.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { machine } from "./lib.ts";

interface Row {
  benchmark: string;
  value: string;
  baseline: string;
  ratio: number | string;
  target?: string;
  met?: boolean;
}

const benchmarks: Record<string, () => Promise<{ rows: Row[]; raw: unknown }>> = {
  process: async () => (await import("./process.ts")).run(),
  inbound: async () => (await import("./inbound.ts")).run(),
  digest: async () => (await import("./digest.ts")).run(),
  fanout: async () => (await import("./fanout.ts")).run(),
  portfolio: async () => (await import("./portfolio.ts")).run(),
  similar: async () => (await import("./similar.ts")).run(),
  announce: async () => (await import("./announce.ts")).run(),
};

const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(benchmarks);
const file = path.join(import.meta.dirname, "results", "latest.json");
// Running some benchmarks keeps the others' latest figures; each carries its own date.
const results: Record<string, unknown> = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {};
results.machine = machine();
const table: Row[] = [];
for (const name of chosen) {
  const bench = benchmarks[name];
  if (!bench) {
    console.error(`Unknown benchmark ${name}; known: ${Object.keys(benchmarks).join(", ")}`);
    process.exit(2);
  }
  console.error(`running ${name}…`);
  const { rows, raw } = await bench();
  results[name] = { date: new Date().toISOString(), loadAverage: loadavg().map((l) => +l.toFixed(1)), rows, raw };
  table.push(...rows);
}
console.table(table);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.error(`wrote ${file}`);
