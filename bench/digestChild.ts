// Child process of bench/digest.ts, so each figure has its own peak RSS:
//   seed <DATABASE_URL> <needs>   migrate, demo seed, bulk data
//   measure <DATABASE_URL>        time the digest build and the triage queue
// and prints one JSON line on stdout.
import { performance } from "node:perf_hooks";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { openStore } from "../src/store/index.ts";
import { seedDemo } from "../src/store/seed.ts";
import { seedBulk } from "./seedBulk.ts";

const [mode, url, count] = process.argv.slice(2);
const maxRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(times: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return Math.round(median(ms) * 10) / 10;
}

if (mode === "seed") {
  const store = await openStore(url!);
  await seedDemo(store);
  const t0 = performance.now();
  await seedBulk(store, url!.slice("file:".length), { needs: Number(count), workPackages: 200, now: new Date() });
  await store.close();
  console.log(JSON.stringify({ seedMs: Math.round(performance.now() - t0) }));
} else if (mode === "measure") {
  const store = await openStore(url!, { migrate: false });
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: "silent" }, "/nonexistent/.env");
  const app = createApp({ config, store, log: createLogger("silent") });
  const coordinator = (await store.people.withRole("coordinator"))[0]!;
  // Baseline: the cheapest question about the same table through the same client.
  const baselineMs = await timed(5, () => store.db.need.count());
  const baselineRssMiB = maxRssMiB();
  const period = await app.digests.duePeriod(new Date());
  const digestMs = await timed(5, () => app.digests.build(period));
  const triageMs = await timed(5, () => app.triage.queue(coordinator));
  const data = await app.digests.build(period);
  console.log(JSON.stringify({ baselineMs, baselineRssMiB, digestMs, triageMs, peakRssMiB: maxRssMiB(), openNeeds: data.waiting.total }));
  await store.close();
} else {
  console.error("usage: digestChild.ts seed|measure DATABASE_URL [needs]");
  process.exit(2);
}
