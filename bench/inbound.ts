// Inbound: need-form submissions over HTTP at rising concurrency, request to
// reply. Baseline: a bare express app that parses the same JSON and answers
// with a card-sized JSON body, in its own process, in the same run.
import { spawn } from "node:child_process";
import { closedLoop, openLoop, startServerProcess, tempDbUrl, type LatencyStats } from "./lib.ts";

const BARE_EXPRESS = `
const express = require("express");
const app = express();
app.post("/web/api/turn", express.json({ limit: "64kb" }), (req, res) => res.json({ cards: [], replace: { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: String(req.body.action?.data?.title ?? "") }] } }));
app.get("/healthz", (q, s) => s.send("ok"));
app.listen(Number(process.env.PORT), "127.0.0.1");
`;

async function startBare(port: number) {
  const child = spawn(process.execPath, ["-e", BARE_EXPRESS], { env: { ...process.env, PORT: String(port) }, stdio: "ignore" });
  for (;;) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

function submitter(baseUrl: string, personIds: number[]) {
  return async (i: number) => {
    const res = await fetch(`${baseUrl}/web/api/turn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        personId: personIds[i % personIds.length],
        action: {
          verb: "need.submit",
          data: { title: `Benchmark need ${i}`, problem: `A problem described for benchmark run number ${i}.`, urgency: "low", skipSimilar: true },
        },
      }),
    });
    const body = (await res.json()) as { replace?: unknown };
    return res.ok && body.replace !== undefined;
  };
}

export async function run() {
  const server = await startServerProcess({ DATABASE_URL: tempDbUrl() }, 39_201);
  const bare = await startBare(39_202);
  const people = ((await (await fetch(`${server.url}/web/api/people`)).json()) as { id: number }[]).map((p) => p.id);
  const rows = [];
  const raw: Record<string, { samordna: LatencyStats; bare: LatencyStats }> = {};
  try {
    // Warm-up: JIT and connection pools.
    await closedLoop(200, 10, submitter(server.url, people));
    await closedLoop(200, 10, submitter(bare.url, people));
    for (const concurrency of [1, 10, 50]) {
      const total = concurrency === 1 ? 300 : 1500;
      const samordna = await closedLoop(total, concurrency, submitter(server.url, people));
      const baseline = await closedLoop(total, concurrency, submitter(bare.url, people));
      raw[`closed-${concurrency}`] = { samordna, bare: baseline };
      rows.push({
        benchmark: `web chat need submit, ${concurrency} concurrent: p50 / p99, throughput`,
        value: `${samordna.p50} / ${samordna.p99} ms, ${samordna.throughput}/s`,
        baseline: `${baseline.p50} / ${baseline.p99} ms, ${baseline.throughput}/s (bare express)`,
        ratio: +(samordna.p50 / baseline.p50).toFixed(2),
      });
    }
    const samordna = await openLoop(100, 10, submitter(server.url, people));
    const baseline = await openLoop(100, 10, submitter(bare.url, people));
    raw["open-100rps"] = { samordna, bare: baseline };
    rows.push({
      benchmark: "web chat need submit at 100 req/s for 10 s: p50 / p95 / p99",
      value: `${samordna.p50} / ${samordna.p95} / ${samordna.p99} ms (${samordna.errors} errors)`,
      baseline: `${baseline.p50} / ${baseline.p95} / ${baseline.p99} ms (bare express)`,
      ratio: +(samordna.p99 / baseline.p99).toFixed(2),
      target: "p99 < 100 ms",
      met: samordna.p99 < 100,
    });
  } finally {
    bare.stop();
    await server.stop();
  }
  return { rows, raw };
}
