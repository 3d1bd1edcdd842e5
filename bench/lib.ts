// Shared helpers for benchmarks: a bounded load loop, percentiles, a child
// server process, and the machine description written next to every figure.
import { spawn, type ChildProcess } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { App } from "../src/app.ts";
import { createOutboxWorker } from "../src/jobs/outbox.ts";

export interface LatencyStats {
  count: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function stats(latencies: number[], errors: number, seconds: number): LatencyStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    count: latencies.length,
    errors,
    seconds: round(seconds),
    throughput: round(latencies.length / seconds),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
  };
}

/** Runs `request` with `concurrency` workers until `total` requests are done. */
export async function closedLoop(total: number, concurrency: number, request: (i: number) => Promise<boolean>): Promise<LatencyStats> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const ok = await request(i).catch(() => false);
        if (ok) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  return stats(latencies, errors, (performance.now() - start) / 1000);
}

/** Sends requests at a fixed rate (open loop), so latency includes queueing. */
export async function openLoop(ratePerSecond: number, seconds: number, request: (i: number) => Promise<boolean>): Promise<LatencyStats> {
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.round(ratePerSecond * seconds);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    pending.push(
      request(i)
        .catch(() => false)
        .then((ok) => {
          if (ok) latencies.push(performance.now() - t0);
          else errors++;
        }),
    );
  }
  await Promise.all(pending);
  return stats(latencies, errors, (performance.now() - start) / 1000);
}

export function machine() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

export function tempDbUrl(): string {
  return `file:${path.join(mkdtempSync(path.join(tmpdir(), "samordna-bench-")), "bench.db")}`;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the first /healthz 200. */
  startMs: number;
  stop(): Promise<void>;
}

/** How the server runs: the build as `npm start` runs it (production), or the sources through tsx (`npm run dev`). */
export type ServerMode = "built" | "tsx";

/** Builds dist/ when it is missing or stale, as `npm start` would, so a measured start never includes a build. */
export async function ensureBuilt(): Promise<void> {
  // @ts-expect-error plain JavaScript without declarations (it runs without tsx)
  const { build, needsBuild } = (await import("../scripts/build.mjs")) as { build(): Promise<void>; needsBuild(): boolean };
  if (needsBuild()) await build();
}

/** Starts the server (`node scripts/start.mjs`, or `node --import tsx src/main.ts`) and waits for its /healthz. */
export async function startServerProcess(env: Record<string, string>, port: number, mode: ServerMode = "built"): Promise<ServerProcess> {
  const t0 = performance.now();
  // BENCH_CPU_PROF=DIR: the server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const entry = mode === "built" ? ["scripts/start.mjs"] : ["--import", "tsx", "src/main.ts"];
  const child = spawn(process.execPath, [...profile, ...entry], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: "warn", JOBS: "false", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 10));
    if (performance.now() - t0 > 60_000) throw new Error("server did not start in 60 s");
  }
  return {
    url,
    child,
    startMs: Math.round(performance.now() - t0),
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export function rssMiB(pid: number): Promise<number> {
  return import("node:fs/promises").then(async (fs) => {
    const status = await fs.readFile(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return Math.round(kb / 1024);
  });
}

/**
 * Drains the outbox as the outbox job would, tick after tick, until nothing is
 * pending or `limitMs` has passed; returns the seconds it took.
 */
export async function drainOutbox(app: App, limitMs: number): Promise<number> {
  const worker = createOutboxWorker(app);
  const t0 = performance.now();
  let pending = 1;
  while (pending > 0 && performance.now() < t0 + limitMs) {
    await worker.drain(new Date());
    pending = (await app.store.outbox.countByStatus()).pending ?? 0;
    if (pending > 0) await new Promise((r) => setTimeout(r, 100));
  }
  return (performance.now() - t0) / 1000;
}
