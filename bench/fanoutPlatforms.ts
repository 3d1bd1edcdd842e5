// The fan-out benchmark's platform stand-ins (bench/fanout.ts), run in a
// worker thread: strict the way the platforms are (sliding windows counted as
// requests arrive): Teams 50 requests/s per tenant and, per conversation,
// 7/1 s, 8/2 s, 60/30 s and 1,800/h; Slack 1 message/s per channel; 429 with
// Retry-After: 1 on excess. Each answers after the round trip it is given
// (±20 %). Its own thread keeps its clock running while the sender's event
// loop is busy, as a real platform's does.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { PLATFORM_LIMITS } from "../src/jobs/pacing.ts";
import { createRateWindows } from "../test/helpers/rateWindows.ts";

export interface Counts {
  teams429: number;
  teams429Tenant: number;
  slack429: number;
  teamsSent: number;
  slackSent: number;
}

const { roundTripMs } = workerData as { roundTripMs: number };
const windows = createRateWindows();
const over = (key: string, limits: readonly { limit: number; ms: number }[], now: number) => !windows.admit(key, limits, now);
const answerLater = (fn: () => void) => (roundTripMs > 0 ? setTimeout(fn, roundTripMs * (0.8 + Math.random() * 0.4)) : fn());
const received = new Map<string, number>();
const counts: Counts = { teams429: 0, teams429Tenant: 0, slack429: 0, teamsSent: 0, slackSent: 0 };
const marker = (body: string) => /bench-ping-(\d+)/.exec(body)?.[1];
// First and last accepted request per limited key (tenant, channel), and the
// time a key sat idle beyond its pace (a gap over 1.1 s between two requests
// of a Slack channel counts its excess): where the time goes.
const spans = new Map<string, { first: number; last: number; idle: number }>();
const accepted = (key: string, now: number) => {
  const span = spans.get(key);
  if (!span) return void spans.set(key, { first: now, last: now, idle: 0 });
  if (key.startsWith("channel:")) span.idle += Math.max(0, now - span.last - 1100);
  span.last = now;
};
const server = http.createServer((req, res) => {
  // Counted when the request arrives, as the platforms count it.
  const now = performance.now();
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const url = req.url ?? "";
    const teams = /^\/v3\/conversations\/([^/]+)\/activities/.exec(url);
    if (teams) {
      const conversation = decodeURIComponent(teams[1]!);
      const tenant = /^a:bench-(t\d+)-/.exec(conversation)?.[1] ?? "unknown";
      const overTenant = over(`tenant:${tenant}`, PLATFORM_LIMITS.teamsTenant, now);
      if (overTenant || over(`conversation:${conversation}`, PLATFORM_LIMITS.teamsConversation, now)) {
        counts.teams429++;
        if (overTenant) counts.teams429Tenant++;
        answerLater(() => res.writeHead(429, { "retry-after": "1", "content-type": "application/json" }).end(JSON.stringify({ error: { code: "Throttled" } })));
        return;
      }
      counts.teamsSent++;
      accepted(`tenant:${tenant}`, now);
      const m = marker(body);
      if (m) received.set(m, (received.get(m) ?? 0) + 1);
      const id = counts.teamsSent;
      answerLater(() => res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: `sent-${id}` })));
      return;
    }
    if (url.startsWith("/api/chat.postMessage")) {
      const channel = new URLSearchParams(body).get("channel") ?? "";
      if (over(`channel:${channel}`, PLATFORM_LIMITS.slackChannel, now)) {
        counts.slack429++;
        answerLater(() => res.writeHead(429, { "retry-after": "1", "content-type": "application/json" }).end(JSON.stringify({ ok: false, error: "ratelimited" })));
        return;
      }
      counts.slackSent++;
      accepted(`channel:${channel}`, now);
      const m = marker(body);
      if (m) received.set(m, (received.get(m) ?? 0) + 1);
      const ts = `${1_700_000_000 + counts.slackSent}.000100`;
      answerLater(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, channel, ts })));
      return;
    }
    res.writeHead(404).end();
  });
});

/** Seconds from the first accepted request: the latest start of a key, when each kind of key finished, and Slack channels' idle time. */
function timeline() {
  const all = [...spans.values()];
  const t0 = Math.min(...all.map((s) => s.first));
  const of = (prefix: string) => [...spans.entries()].filter(([k]) => k.startsWith(prefix)).map(([, s]) => s);
  const secs = (ms: number) => +((ms - t0) / 1000).toFixed(2);
  const summary = (prefix: string) => {
    const keys = of(prefix);
    if (!keys.length) return null;
    const idle = keys.map((s) => s.idle).sort((a, b) => a - b);
    return {
      latestStart: secs(Math.max(...keys.map((s) => s.first))),
      lastEnd: secs(Math.max(...keys.map((s) => s.last))),
      ...(prefix === "channel:" ? { idleMedian: +(idle[idle.length >> 1]! / 1000).toFixed(2), idleMax: +(idle[idle.length - 1]! / 1000).toFixed(2) } : {}),
    };
  };
  return { tenants: summary("tenant:"), channels: summary("channel:") };
}

server.listen(0, "127.0.0.1", () => {
  parentPort!.postMessage({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
parentPort!.on("message", (message) => {
  if (message === "report") parentPort!.postMessage({ received: [...received], counts, timeline: timeline() });
});
