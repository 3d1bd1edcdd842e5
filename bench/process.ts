// Process: cold start to first /healthz 200 (fresh database: migrate + seed;
// and an existing one), and idle RSS. Baseline: a bare Node HTTP server
// started the same way, in the same run.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { rssMiB, startServerProcess, tempDbUrl } from "./lib.ts";

async function bareNodeStart(port: number): Promise<{ ms: number; rss: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ["-e", `require("http").createServer((q,s)=>s.end("ok")).listen(${port},"127.0.0.1")`], { stdio: "ignore" });
  for (;;) {
    if (await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = Math.round(performance.now() - t0);
  await new Promise((r) => setTimeout(r, 2000));
  const rss = await rssMiB(child.pid!);
  child.kill();
  return { ms, rss };
}

export async function run() {
  const baseline = await bareNodeStart(39_101);
  const url = tempDbUrl();
  const fresh = await startServerProcess({ DATABASE_URL: url }, 39_102);
  await fresh.stop();
  const existing = await startServerProcess({ DATABASE_URL: url }, 39_103);
  await new Promise((r) => setTimeout(r, 5000));
  const idleRss = await rssMiB(existing.child.pid!);
  await existing.stop();
  return {
    rows: [
      { benchmark: "cold start, fresh database (migrate + seed)", value: `${fresh.startMs} ms`, baseline: `${baseline.ms} ms (bare node http)`, ratio: +(fresh.startMs / baseline.ms).toFixed(1) },
      { benchmark: "cold start, existing database", value: `${existing.startMs} ms`, baseline: `${baseline.ms} ms (bare node http)`, ratio: +(existing.startMs / baseline.ms).toFixed(1) },
      { benchmark: "idle RSS after 5 s", value: `${idleRss} MiB`, baseline: `${baseline.rss} MiB (bare node http)`, ratio: +(idleRss / baseline.rss).toFixed(1) },
    ],
    raw: { baseline, freshStartMs: fresh.startMs, existingStartMs: existing.startMs, idleRssMiB: idleRss },
  };
}
