// Fan-out: 10,000 pings through the outbox worker to loopback stand-ins that
// enforce the platforms' limits the strict way (bench/fanoutPlatforms.ts, in
// a thread of their own). Each answers after a round trip (0, 100 and 300 ms
// by default, ±20 %), so the rows show whether throughput depends on latency. 6,000 Teams pings to 600 people in 3 tenants and 4,000 Slack
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
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
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
import type { Counts } from "./fanoutPlatforms.ts";
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

/** Turns a send had a slot for, and how many of them came later than each bound (s); over 0.045 they moved or were taken again (src/jobs/outbox.ts, takeTurn). */
type Lateness = { turns: number; later: Record<string, number> };
const LATENESS = "samordna_outbox_turn_lateness_seconds";
const LATENESS_BOUNDS = ["0.01", "0.025", "0.045", "0.1"];
async function lateness(count: () => Promise<number>, bucket: (le: string) => Promise<number>): Promise<Lateness> {
  const turns = await count();
  const later: Record<string, number> = {};
  for (const le of LATENESS_BOUNDS) later[le] = turns - (await bucket(le));
  return { turns, later };
}

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
    const sum = async (name: string, labels: Record<string, string> = {}) => (await Promise.all(replicas.map((r) => metricValue(r, name, labels)))).reduce((a, b) => a + b, 0);
    return { seconds, lateness: await lateness(() => sum(`${LATENESS}_count`), (le) => sum(`${LATENESS}_bucket`, { le })) };
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
  }
}

/**
 * The stand-ins, in a worker thread of their own: the platforms' clock must
 * not stop when this process's event loop does (a garbage collection, the
 * worker's batch writes on SQLite), or requests sent on time would be counted
 * as arriving together.
 */
async function startLimitedPlatforms(roundTripMs: number) {
  // tsx loads TypeScript in the main thread only: the worker registers it, then loads the stand-ins.
  const entry = new URL("./fanoutPlatforms.ts", import.meta.url).href;
  const boot = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { roundTripMs } });
  const next = <T>() => new Promise<T>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const { url } = await next<{ url: string }>();
  return {
    url,
    /** What the stand-ins saw: deliveries per ping marker, counts, and the timeline (see fanoutPlatforms.ts). */
    async report() {
      worker.postMessage("report");
      const r = await next<{ received: [string, number][]; counts: Counts; timeline: unknown }>();
      return { received: new Map(r.received), counts: r.counts, timeline: r.timeline };
    },
    close: () => worker.terminate(),
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
  // In one transaction: replicas already running see all of the pings at once, when the clock starts, not the first chunk before it.
  const enqueue = async () => {
    const now = new Date();
    await store.db.$transaction(async (tx) => {
      for (let i = 0; i < messages.length; i += 2000) await tx.outboxMessage.createMany({ data: messages.slice(i, i + 2000).map((m) => ({ ...m, availableAt: now, createdAt: now })) });
    }, { timeout: 60_000 });
  };
  const total = messages.length;
  const idealSeconds = Math.max((PEOPLE_PER_TENANT * PINGS_PER_PERSON) / PLATFORM_LIMITS.teamsTenant[0].limit, PINGS_PER_CHANNEL / PLATFORM_LIMITS.slackChannel[0].limit);
  const allowedRate = total / idealSeconds;

  let seconds: number;
  let late: Lateness;
  if (REPLICAS > 0) {
    const pending = () => store.db.outboxMessage.count({ where: { kind: "bench", status: "pending" } });
    ({ seconds, lateness: late } = await drainWithReplicas(url, slackEnv, enqueue, pending, 10 * idealSeconds * 1000));
  } else {
    await enqueue();
    seconds = await drainOutbox(app, 10 * idealSeconds * 1000);
    const histogram = (await app.metrics.outboxTurnLateness.get()).values;
    const value = (name: string, le?: string) => histogram.find((v) => v.metricName === name && (le === undefined || v.labels.le === Number(le)))?.value ?? 0;
    late = await lateness(async () => value(`${LATENESS}_count`), async (le) => value(`${LATENESS}_bucket`, le));
  }
  const statuses = await store.outbox.countByStatus();
  const { received, counts, timeline } = await platforms.report();
  await store.close();
  await database?.drop();
  await platforms.close();

  const delivered = received.size;
  const duplicated = [...received.values()].filter((c) => c > 1).length;
  const lost = total - delivered;
  const rate = delivered / seconds;
  const share = rate / allowedRate;
  const raw = { roundTripMs, replicas: REPLICAS, total, seconds: +seconds.toFixed(1), allowedRate, idealSeconds, rate: +rate.toFixed(1), share: +share.toFixed(3), lost, duplicated, ...counts, lateness: late, timeline, statuses };
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
        value: `${counts.teams429 + counts.slack429} × 429 (Teams ${counts.teams429}, Slack ${counts.slack429}), ${lost} lost, ${duplicated} duplicated`,
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
