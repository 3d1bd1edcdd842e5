// Process: cold start to the first /healthz 200 of the server as `npm start`
// runs it (built JavaScript: `node scripts/start.mjs`), on a fresh database
// (migrate + seed) and an existing one, and its idle RSS; the same start
// through tsx (`npm run dev`) for comparison. Baseline: a bare Node HTTP
// server started the same way (`node FILE`), in the same run. Starts
// alternate between baseline and Samordna and the median counts, so a burst
// of load on a shared machine does not land on one side only.
// BENCH_QUICK=1: one start each instead of five.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { ensureBuilt, rssMiB, startServerProcess, tempDbUrl } from "./lib.ts";

const RUNS = process.env.BENCH_QUICK ? 1 : 5;
const START_TARGET = 4;
const RSS_TARGET_MIB = 180;
const IDLE_MS = 5000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bareNodeStart(file: string, port: number, idleMs = 0): Promise<{ ms: number; rss: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [file, String(port)], { stdio: "ignore" });
  for (;;) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) break;
    await pause(10);
  }
  const ms = Math.round(performance.now() - t0);
  await pause(idleMs);
  const rss = await rssMiB(child.pid!);
  await new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill();
  });
  return { ms, rss };
}

export async function run() {
  await ensureBuilt();
  const bareFile = path.join(path.dirname(new URL(tempDbUrl()).pathname), "bare.mjs");
  writeFileSync(bareFile, `import http from "node:http";\nhttp.createServer((q, s) => s.end("ok")).listen(Number(process.argv[2]), "127.0.0.1");\n`);

  const url = tempDbUrl();
  const fresh = await startServerProcess({ DATABASE_URL: url }, 39_102);
  await fresh.stop();

  const bare: number[] = [];
  const built: number[] = [];
  const dev: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push((await bareNodeStart(bareFile, 39_101)).ms);
    const b = await startServerProcess({ DATABASE_URL: url }, 39_103);
    built.push(b.startMs);
    await b.stop();
    const t = await startServerProcess({ DATABASE_URL: url }, 39_104, "tsx");
    dev.push(t.startMs);
    await t.stop();
  }
  const bareIdle = await bareNodeStart(bareFile, 39_101, IDLE_MS);
  const idle = await startServerProcess({ DATABASE_URL: url }, 39_103);
  await pause(IDLE_MS);
  const idleRss = await rssMiB(idle.child.pid!);
  await idle.stop();

  const baseline = median(bare);
  const existing = median(built);
  const ratio = +(existing / baseline).toFixed(1);
  const baseText = `${baseline} ms (bare node http)`;
  return {
    rows: [
      { benchmark: "cold start, fresh database (migrate + seed), built", value: `${fresh.startMs} ms`, baseline: baseText, ratio: +(fresh.startMs / baseline).toFixed(1) },
      {
        benchmark: `cold start, existing database, built (npm start), median of ${RUNS}`,
        value: `${existing} ms`,
        baseline: baseText,
        ratio,
        target: `<= ${START_TARGET}x bare`,
        met: ratio <= START_TARGET,
      },
      { benchmark: `cold start, existing database, tsx (npm run dev), median of ${RUNS}`, value: `${median(dev)} ms`, baseline: baseText, ratio: +(median(dev) / baseline).toFixed(1) },
      {
        benchmark: "idle RSS after 5 s, built",
        value: `${idleRss} MiB`,
        baseline: `${bareIdle.rss} MiB (bare node http)`,
        ratio: +(idleRss / bareIdle.rss).toFixed(1),
        target: `<= ${RSS_TARGET_MIB} MiB`,
        met: idleRss <= RSS_TARGET_MIB,
      },
    ],
    raw: { runs: RUNS, bareStartsMs: bare, builtStartsMs: built, tsxStartsMs: dev, freshStartMs: fresh.startMs, bareIdleRssMiB: bareIdle.rss, idleRssMiB: idleRss },
  };
}
