// Announcements: queuing one announcement to 40,000 people (recipients and
// their outbox messages, in chunked transactions) against the 10 s target of
// issue 16. BENCH_QUICK=1 queues 4,000 (a tenth, against a tenth of the target);
// BENCH_ANNOUNCE_RECIPIENTS sets any other number.
import { performance } from "node:perf_hooks";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { openStore } from "../src/store/index.ts";
import { tempDbUrl } from "./lib.ts";

const RECIPIENTS = Number(process.env.BENCH_ANNOUNCE_RECIPIENTS ?? (process.env.BENCH_QUICK === "1" ? 4_000 : 40_000));
const TARGET_S = (10 * RECIPIENTS) / 40_000;

export async function run() {
  const url = tempDbUrl();
  const store = await openStore(url);
  try {
    const department = await store.db.department.create({ data: { code: "BENCH", name: "Benchmark" } });
    for (let i = 0; i < RECIPIENTS; i += 5000) {
      const n = Math.min(5000, RECIPIENTS - i);
      await store.db.person.createMany({
        data: Array.from({ length: n }, (_, k) => ({ displayName: `Person ${i + k}`, email: `p${i + k}@bench.example`, locale: (i + k) % 3 ? "sv" : "en", departmentId: department.id })),
      });
    }
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: "silent", JOBS: "false" }, "/nonexistent/.env");
    const app = createApp({ config, store, log: createLogger("silent") });
    const author = await store.people.create({ displayName: "Bench communicator", email: "communicator@bench.example", locale: "sv", roles: ["communicator"] });
    const draft = await app.announcements.draft(author, { title_sv: "Till alla", text_sv: "Ett meddelande till hela förvaltningen.", title_en: "To everyone", text_en: "A message to the whole department.", departments: String(department.id) });
    const started = performance.now();
    const { queued } = await app.announcements.send(author, draft.id);
    const seconds = (performance.now() - started) / 1000;
    const outbox = await store.db.outboxMessage.count({ where: { kind: "announcement" } });
    if (queued !== RECIPIENTS || outbox !== RECIPIENTS) throw new Error(`queued ${queued}, outbox ${outbox}, expected ${RECIPIENTS}`);
    return {
      rows: [
        {
          benchmark: `announce: queue ${RECIPIENTS} recipients (SQLite)`,
          value: `${seconds.toFixed(2)} s`,
          baseline: `target ${TARGET_S} s`,
          ratio: +(seconds / TARGET_S).toFixed(2),
          target: `≤ ${TARGET_S} s`,
          met: seconds <= TARGET_S,
        },
      ],
      raw: { recipients: RECIPIENTS, seconds, perSecond: Math.round(RECIPIENTS / seconds) },
    };
  } finally {
    await store.close();
  }
}
