// Announcements: queuing one announcement to 40,000 people (recipients and
// their outbox messages, in chunked transactions) against the 10 s target of
// issue 16, then delivering the queued messages with the outbox worker through
// the Bot Connector stand-in (test/helpers/botConnector.ts) answering after a
// 100 ms round trip (±20 %) and enforcing Teams' limits strictly (50 requests/s
// per tenant, the per-conversation windows; 429 + Retry-After beyond them).
// Everyone is in one tenant, as in one organisation, so the allowed rate is
// 50 messages/s: the delivery rate is reported against it, with 429s, lost
// and duplicated messages.
//
//   BENCH_QUICK=1                  1,000 recipients (queue target scaled: a fortieth of 10 s; delivery ≈ 20 s)
//   BENCH_ANNOUNCE_RECIPIENTS=N    any other number (delivering 40,000 at 50/s takes over 13 minutes)
//   BENCH_ANNOUNCE_DELIVER=0       queue only
import { performance } from "node:perf_hooks";
import { createApp } from "../src/app.ts";
import { createTeamsAdapter } from "../src/bots/teams/adapter.ts";
import { createTeamsDeliverer } from "../src/bots/teams/proactive.ts";
import { loadConfig } from "../src/config.ts";
import { PLATFORM_LIMITS } from "../src/jobs/pacing.ts";
import { createLogger } from "../src/log.ts";
import { openStore } from "../src/store/index.ts";
import { startBotConnector } from "../test/helpers/botConnector.ts";
import { drainOutbox, tempDbUrl } from "./lib.ts";

const RECIPIENTS = Number(process.env.BENCH_ANNOUNCE_RECIPIENTS ?? (process.env.BENCH_QUICK === "1" ? 1_000 : 40_000));
const DELIVER = process.env.BENCH_ANNOUNCE_DELIVER !== "0";
const TARGET_S = (10 * RECIPIENTS) / 40_000;
const ROUND_TRIP_MS = 100;
const TENANT = "bench-tenant";
const TEAMS_LIMIT = PLATFORM_LIMITS.teamsTenant[0].limit / (PLATFORM_LIMITS.teamsTenant[0].ms / 1000);

export async function run() {
  const url = tempDbUrl();
  const store = await openStore(url);
  const connector = await startBotConnector();
  try {
    const department = await store.db.department.create({ data: { code: "BENCH", name: "Benchmark" } });
    for (let i = 0; i < RECIPIENTS; i += 5000) {
      const n = Math.min(5000, RECIPIENTS - i);
      await store.db.person.createMany({
        data: Array.from({ length: n }, (_, k) => ({ displayName: `Person ${i + k}`, email: `p${i + k}@bench.example`, locale: (i + k) % 3 ? "sv" : "en", departmentId: department.id })),
      });
    }
    // Each person has a Teams 1:1 chat with the bot, in the organisation's one tenant, served by the stand-in.
    const people = await store.db.person.findMany({ where: { departmentId: department.id }, select: { id: true } });
    for (let i = 0; i < people.length; i += 5000) {
      await store.db.chatAccount.createMany({
        data: people.slice(i, i + 5000).map(({ id }) => {
          const conversation = { id: `a:bench-${id}`, conversationType: "personal", isGroup: false, tenantId: TENANT };
          const ref = { channelId: "msteams", serviceUrl: connector.url, tenantId: TENANT, bot: { id: "28:samordna-bot", name: "Samordna" }, user: { id: `29:bench-${id}` }, conversation };
          return { personId: id, platform: "teams", tenantId: TENANT, userId: `aad-bench-${id}`, conversationRef: JSON.stringify(ref) };
        }),
      });
    }
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: "silent", JOBS: "false" }, "/nonexistent/.env");
    const log = createLogger("silent");
    const app = createApp({ config, store, log });
    app.deliverers.set("teams", createTeamsDeliverer({ adapter: createTeamsAdapter(config, log, { connectorRetries: false }), app }));
    const author = await store.people.create({ displayName: "Bench communicator", email: "communicator@bench.example", locale: "sv", roles: ["communicator"] });
    const draft = await app.announcements.draft(author, { title_sv: "Till alla", text_sv: "Ett meddelande till hela förvaltningen.", title_en: "To everyone", text_en: "A message to the whole department.", departments: String(department.id) });
    const started = performance.now();
    const { queued } = await app.announcements.send(author, draft.id);
    const seconds = (performance.now() - started) / 1000;
    const outbox = await store.db.outboxMessage.count({ where: { kind: "announcement" } });
    if (queued !== RECIPIENTS || outbox !== RECIPIENTS) throw new Error(`queued ${queued}, outbox ${outbox}, expected ${RECIPIENTS}`);
    const rows = [
      {
        benchmark: `announce: queue ${RECIPIENTS} recipients (SQLite)`,
        value: `${seconds.toFixed(2)} s`,
        baseline: `target ${TARGET_S} s`,
        ratio: +(seconds / TARGET_S).toFixed(2),
        target: `≤ ${TARGET_S} s`,
        met: seconds <= TARGET_S,
      },
    ];
    const raw: Record<string, unknown> = { recipients: RECIPIENTS, seconds, perSecond: Math.round(RECIPIENTS / seconds) };
    if (!DELIVER) return { rows, raw };

    const delivery = await deliver(app, store, connector);
    raw.delivery = delivery;
    rows.push(
      {
        benchmark: `announce: deliver ${RECIPIENTS} to Teams (one tenant), round trip ${ROUND_TRIP_MS} ms: rate`,
        value: `${delivery.rate.toFixed(1)}/s in ${delivery.seconds.toFixed(1)} s`,
        baseline: `${TEAMS_LIMIT}/s allowed (Teams per tenant)`,
        ratio: +(delivery.rate / TEAMS_LIMIT).toFixed(2),
        target: "≥ 90 % of allowed",
        met: delivery.rate >= 0.9 * TEAMS_LIMIT,
      },
      {
        benchmark: `announce: deliver, round trip ${ROUND_TRIP_MS} ms: 429s, lost, duplicated`,
        value: `${delivery.refused} × 429, ${delivery.lost} lost, ${delivery.duplicated} duplicated`,
        baseline: "0, 0, 0",
        ratio: "" as unknown as number,
        target: "0 lost, 0 duplicated",
        met: delivery.lost === 0 && delivery.duplicated === 0,
      },
    );
    return { rows, raw };
  } finally {
    await store.close();
    await connector.close();
  }
}

/** Delivers what is queued (giving up after ten times the ideal time) and counts what each conversation got. */
async function deliver(app: ReturnType<typeof createApp>, store: Awaited<ReturnType<typeof openStore>>, connector: Awaited<ReturnType<typeof startBotConnector>>) {
  connector.roundTripMs = [ROUND_TRIP_MS * 0.8, ROUND_TRIP_MS * 1.2];
  connector.limits = { tenant: PLATFORM_LIMITS.teamsTenant, conversation: PLATFORM_LIMITS.teamsConversation };
  const seconds = await drainOutbox(app, (10 * RECIPIENTS * 1000) / TEAMS_LIMIT);
  // Each person's conversation must have received the announcement exactly once.
  const perConversation = new Map<string, number>();
  for (const call of connector.calls) {
    if (call.kind === "send" && call.status === 201 && call.conversationId.startsWith("a:bench-")) perConversation.set(call.conversationId, (perConversation.get(call.conversationId) ?? 0) + 1);
  }
  const delivered = perConversation.size;
  return {
    roundTripMs: ROUND_TRIP_MS,
    seconds: +seconds.toFixed(1),
    rate: delivered / seconds,
    delivered,
    lost: RECIPIENTS - delivered,
    duplicated: [...perConversation.values()].filter((n) => n > 1).length,
    refused: connector.refused(),
    statuses: await store.outbox.countByStatus(),
  };
}
