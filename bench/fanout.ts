// Fan-out: 10,000 pings through the outbox worker to loopback stand-ins that
// enforce the platforms' limits the strict way (sliding windows counted as
// requests arrive): Teams 50 requests/s per tenant and, per conversation,
// 7/1 s, 8/2 s, 60/30 s and 1,800/h; Slack 1 message/s per channel; 429 with
// Retry-After: 1 on excess. Each stand-in answers after a round trip (0, 100
// and 300 ms by default, ±20 %), so the rows show whether throughput depends
// on latency. 6,000 Teams pings to 600 people in 3 tenants and 4,000 Slack
// pings to 100 channels: an ideal sender needs max(2,000 / 50, 40 / 1) = 40 s,
// so the allowed aggregate rate is 10,000 / 40 s = 250/s. That rate is the
// baseline: the share of it the worker achieves, plus 429s, messages lost and
// messages delivered twice.
//
//   BENCH_FANOUT_RTT=0,100,300   round trips to run, one row pair each (ms)
//   BENCH_FANOUT_SCALE=0.2       a fifth of the pings (a quick run)
//   BENCH_FANOUT_REPLICAS=3      three server processes (src/main.ts, JOBS=true)
//                                sending instead of one worker in this process, on
//                                PostgreSQL: run under scripts/withPostgres.sh. They
//                                share the rate limiter through the database.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { createApp } from "../src/app.ts";
import { createTeamsAdapter } from "../src/bots/teams/adapter.ts";
import { createTeamsDeliverer } from "../src/bots/teams/proactive.ts";
import { createDeliveryClient, createSlackDeliverer } from "../src/bots/slack/deliver.ts";
import { card, paragraph } from "../src/cards/elements.ts";
import { loadConfig } from "../src/config.ts";
import { PLATFORM_LIMITS } from "../src/jobs/pacing.ts";
import { createLogger } from "../src/log.ts";
import { openStore } from "../src/store/index.ts";
import { seedDemo } from "../src/store/seed.ts";
import { createRateWindows } from "../test/helpers/rateWindows.ts";
import { createDatabase, onPostgres } from "../test/helpers/postgres.ts";
import { metricValue, startReplica, type Replica } from "../test/helpers/replicas.ts";
import { drainOutbox, tempDbUrl } from "./lib.ts";

const TENANTS = 3;
const PEOPLE_PER_TENANT = 200;
/** BENCH_FANOUT_SCALE=0.2 sends a fifth of the pings (for profiling). */
const SCALE = Number(process.env.BENCH_FANOUT_SCALE ?? 1);
const PINGS_PER_PERSON = Math.max(1, Math.round(10 * SCALE));
const CHANNELS = 100;
const PINGS_PER_CHANNEL = 4 * PINGS_PER_PERSON;

const ROUND_TRIPS = (process.env.BENCH_FANOUT_RTT ?? "0,100,300").split(",").map(Number);
/** Server processes sending (BENCH_FANOUT_REPLICAS); 0: the worker in this process, on SQLite. */
const REPLICAS = Number(process.env.BENCH_FANOUT_REPLICAS ?? 0);
if (REPLICAS > 0 && !onPostgres) throw new Error("BENCH_FANOUT_REPLICAS needs PostgreSQL: scripts/withPostgres.sh npm run bench -- fanout");

/** Turns a send had a slot for, and how many of those came too late and were taken again (src/jobs/outbox.ts, takeTurn). */
interface Lateness {
  turns: number;
  late: number;
}
const LATENESS = "samordna_outbox_turn_lateness_seconds";

/**
 * Replicas send everything queued: started first (nothing due yet), then the
 * pings are queued and the clock runs until none is pending. Returns seconds.
 */
async function drainWithReplicas(url: string, env: Record<string, string>, queue: () => Promise<void>, pending: () => Promise<number>, limitMs: number): Promise<{ seconds: number; lateness: Lateness }> {
  const replicas: Replica[] = await Promise.all(Array.from({ length: REPLICAS }, () => startReplica(url, { JOBS: "true", SEED: "false", ...env })));
  try {
    await queue();
    const t0 = performance.now();
    while ((await pending()) > 0 && performance.now() < t0 + limitMs) await new Promise((r) => setTimeout(r, 100));
    const seconds = (performance.now() - t0) / 1000;
    const lateness: Lateness = { turns: 0, late: 0 };
    for (const r of replicas) {
      lateness.turns += await metricValue(r, `${LATENESS}_count`);
      lateness.late += (await metricValue(r, `${LATENESS}_count`)) - (await metricValue(r, `${LATENESS}_bucket`, { le: "0.025" }));
    }
    return { seconds, lateness };
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
  }
}

async function startLimitedPlatforms(roundTripMs: number) {
  const windows = createRateWindows();
  const over = (key: string, limits: readonly { limit: number; ms: number }[], now: number) => !windows.admit(key, limits, now);
  const answerLater = (fn: () => void) => (roundTripMs > 0 ? setTimeout(fn, roundTripMs * (0.8 + Math.random() * 0.4)) : fn());
  const received = new Map<string, number>();
  const counts = { teams429: 0, teams429Tenant: 0, slack429: 0, teamsSent: 0, slackSent: 0 };
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
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const now = performance.now();
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    counts,
    /** Seconds from the first accepted request: the latest start of a key, and when each kind of key finished. */
    timeline() {
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
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** One fan-out with the stand-ins answering after `roundTripMs`. */
async function fanOut(roundTripMs: number) {
  const platforms = await startLimitedPlatforms(roundTripMs);
  const database = REPLICAS > 0 ? await createDatabase("bench_fanout") : undefined;
  const url = database?.url ?? tempDbUrl();
  const store = await openStore(url);
  await seedDemo(store);
  const slackEnv = { SLACK_SIGNING_SECRET: "bench", SLACK_BOT_TOKEN: "xoxb-bench", SLACK_API_URL: `${platforms.url}/api/` };
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: "silent", ...slackEnv }, "/nonexistent/.env");
  const log = createLogger("silent");
  const app = createApp({ config, store, log });
  app.deliverers.set("teams", createTeamsDeliverer({ adapter: createTeamsAdapter(config, log, { connectorRetries: false }), app }));
  app.deliverers.set("slack", createSlackDeliverer({ store, client: createDeliveryClient("xoxb-bench", `${platforms.url}/api/`), defaultLocale: "sv" }));

  // People with a Teams 1:1 chat each, in TENANTS tenants.
  const people: { tenant: string; key: number }[] = [];
  for (let t = 1; t <= TENANTS; t++) for (let p = 1; p <= PEOPLE_PER_TENANT; p++) people.push({ tenant: `t${t}`, key: p });
  await store.db.person.createMany({ data: people.map((p) => ({ displayName: `Bench ${p.tenant} ${p.key}`, email: `bench.${p.tenant}.${p.key}@stockholm.example` })) });
  const ids = new Map((await store.db.person.findMany({ where: { email: { startsWith: "bench." } }, select: { id: true, email: true } })).map((p) => [p.email!, p.id]));
  await store.db.chatAccount.createMany({
    data: people.map((p) => {
      const conversation = `a:bench-${p.tenant}-${p.key}`;
      const ref = { channelId: "msteams", serviceUrl: `${platforms.url}/`, tenantId: p.tenant, bot: { id: "28:samordna-bot", name: "Samordna" }, user: { id: `29:${p.tenant}-${p.key}` }, conversation: { id: conversation, conversationType: "personal", isGroup: false, tenantId: p.tenant } };
      return { personId: ids.get(`bench.${p.tenant}.${p.key}@stockholm.example`)!, platform: "teams", tenantId: p.tenant, userId: `aad-${p.tenant}-${p.key}`, conversationRef: JSON.stringify(ref) };
    }),
  });

  // The pings, interleaved across targets as a status-ping run enqueues them.
  const targets = [...people.map((p) => `person:${ids.get(`bench.${p.tenant}.${p.key}@stockholm.example`)}`)];
  const messages: { dedupeKey: string; target: string; kind: string; payload: string }[] = [];
  let n = 0;
  for (let round = 0; round < PINGS_PER_PERSON; round++) {
    for (const target of targets) messages.push({ dedupeKey: `bench:${n}`, target, kind: "bench", payload: JSON.stringify(card([paragraph(`Benchmark ping bench-ping-${n++}`)])) });
    for (let c = 0; c < CHANNELS * (PINGS_PER_CHANNEL / PINGS_PER_PERSON); c++) {
      messages.push({ dedupeKey: `bench:${n}`, target: `slack:CBENCH${c % CHANNELS}`, kind: "bench", payload: JSON.stringify(card([paragraph(`Benchmark ping bench-ping-${n++}`)])) });
    }
  }
  const enqueue = async () => {
    const now = new Date();
    for (let i = 0; i < messages.length; i += 2000) await store.db.outboxMessage.createMany({ data: messages.slice(i, i + 2000).map((m) => ({ ...m, availableAt: now, createdAt: now })) });
  };
  const total = messages.length;
  const idealSeconds = Math.max((PEOPLE_PER_TENANT * PINGS_PER_PERSON) / PLATFORM_LIMITS.teamsTenant[0].limit, PINGS_PER_CHANNEL / PLATFORM_LIMITS.slackChannel[0].limit);
  const allowedRate = total / idealSeconds;

  let seconds: number;
  let lateness: Lateness;
  if (REPLICAS > 0) {
    const pending = () => store.db.outboxMessage.count({ where: { kind: "bench", status: "pending" } });
    ({ seconds, lateness } = await drainWithReplicas(url, slackEnv, enqueue, pending, 10 * idealSeconds * 1000));
  } else {
    await enqueue();
    seconds = await drainOutbox(app, 10 * idealSeconds * 1000);
    const histogram = (await app.metrics.outboxTurnLateness.get()).values;
    const count = histogram.find((v) => v.metricName === `${LATENESS}_count`)?.value ?? 0;
    const onTime = histogram.find((v) => v.metricName === `${LATENESS}_bucket` && v.labels.le === 0.025)?.value ?? 0;
    lateness = { turns: count, late: count - onTime };
  }
  const statuses = await store.outbox.countByStatus();
  const timeline = platforms.timeline();
  await store.close();
  await database?.drop();
  await platforms.close();

  const delivered = platforms.received.size;
  const duplicated = [...platforms.received.values()].filter((c) => c > 1).length;
  const lost = total - delivered;
  const rate = delivered / seconds;
  const share = rate / allowedRate;
  const raw = { roundTripMs, replicas: REPLICAS, total, seconds: +seconds.toFixed(1), allowedRate, idealSeconds, rate: +rate.toFixed(1), share: +share.toFixed(3), lost, duplicated, ...platforms.counts, lateness, timeline, statuses };
  return {
    rows: [
      {
        benchmark: `fan-out ${total.toLocaleString("en")} pings (Teams 3 tenants, Slack ${CHANNELS} channels), ${REPLICAS > 0 ? `${REPLICAS} replicas on PostgreSQL` : "one process on SQLite"}, round trip ${roundTripMs} ms: rate`,
        value: `${rate.toFixed(1)}/s in ${seconds.toFixed(1)} s`,
        baseline: `${allowedRate}/s allowed (ideal ${idealSeconds} s)`,
        ratio: +share.toFixed(2),
        target: ">= 90 % of allowed",
        met: share >= 0.9,
      },
      {
        benchmark: `fan-out, round trip ${roundTripMs} ms: 429s, lost, duplicated`,
        value: `${platforms.counts.teams429 + platforms.counts.slack429} × 429 (Teams ${platforms.counts.teams429}, Slack ${platforms.counts.slack429}), ${lost} lost, ${duplicated} duplicated`,
        baseline: "0, 0, 0",
        ratio: "",
        target: "0 lost, 0 duplicated",
        met: lost === 0 && duplicated === 0,
      },
    ],
    raw,
  };
}

export async function run() {
  const runs = [];
  for (const roundTripMs of ROUND_TRIPS) runs.push(await fanOut(roundTripMs));
  return { rows: runs.flatMap((r) => r.rows), raw: runs.map((r) => r.raw) };
}
