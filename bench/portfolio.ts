// The portfolio at scale: with 100,000 needs (BENCH_PORTFOLIO_NEEDS and
// BENCH_PORTFOLIO_REQUESTS for a quick run), p95 of /portfolio, a filtered and
// searched list, and a need's page, signed in, against a bare express page in
// the same run. Also how long a need's page takes right after the start, while
// the similar-needs index is built, and how long until that index is ready.
import { child } from "./digest.ts";
import { startBaselines } from "./inbound.ts";
import { freePort } from "../test/helpers/net.ts";
import { performance } from "node:perf_hooks";
import { closedLoop, startServerProcess, tempDbUrl } from "./lib.ts";

const NEEDS = Number(process.env.BENCH_PORTFOLIO_NEEDS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_PORTFOLIO_REQUESTS ?? 200);
const CONCURRENCY = 4;

/** Signs in through the development person picker; returns the session cookie. */
async function signIn(url: string): Promise<string> {
  const login = await fetch(`${url}/auth/login`);
  const anon = login.headers.getSetCookie()[0]!.split(";")[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
  const res = await fetch(`${url}/auth/dev-login`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: anon, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf, personId: "1", returnTo: "/portfolio" }).toString(),
  });
  return res.headers.getSetCookie()[0]!.split(";")[0]!;
}

export async function run() {
  const url = tempDbUrl();
  const { seedMs } = child("seed", url, String(NEEDS));
  const server = await startServerProcess({ DATABASE_URL: url, SEED: "false" }, await freePort());
  const bare = await startBaselines(await freePort());
  try {
    const cookie = await signIn(server.url);
    const get = (path: string) => async () => {
      const res = await fetch(`${server.url}${path}`, { headers: { cookie }, redirect: "manual" });
      await res.text();
      return res.status === 200;
    };
    const reference = "B-4242";
    // Right after the start the similar-needs index is still being built: pages answer without it.
    const t0 = performance.now();
    const first = await fetch(`${server.url}/portfolio/needs/${reference}`, { headers: { cookie } });
    const firstHtml = await first.text();
    const firstNeedPageMs = Math.round(performance.now() - t0);
    const firstWithoutSimilar = firstHtml.includes('id="similar-pending"');
    for (;;) {
      const html = await (await fetch(`${server.url}/portfolio/needs/${reference}`, { headers: { cookie } })).text();
      if (!html.includes('id="similar-pending"')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const indexReadyMs = Math.round(performance.now() - t0);
    const cases: [string, () => Promise<boolean>, number][] = [
      ["/portfolio", get("/portfolio"), 300],
      ["/portfolio filtered (department, area, status)", get("/portfolio?department=3&area=social&status=done"), 300],
      ["/portfolio searched (q=school transport)", get("/portfolio?q=school+transport&department=3"), 300],
      [`/portfolio/needs/${reference}`, get(`/portfolio/needs/${reference}`), 100],
    ];
    const bareGet = async () => {
      const res = await fetch(`${bare.url}/bare/page`);
      await res.text();
      return res.ok;
    };
    // Warm-up: pages compile, the need page's similar needs are cached.
    for (const [, request] of cases) await closedLoop(10, 1, request);
    await closedLoop(50, CONCURRENCY, bareGet);
    const rows: { benchmark: string; value: string; baseline: string; ratio: number | string; target?: string; met?: boolean }[] = [];
    const raw: Record<string, unknown> = { needs: NEEDS, seedMs, startMs: server.startMs, firstNeedPageMs, firstWithoutSimilar, indexReadyMs };
    rows.push({
      benchmark: `a need's page right after the start (similar-needs index building), ${NEEDS.toLocaleString("en")} needs`,
      value: `${firstNeedPageMs} ms${firstWithoutSimilar ? " (without similar needs)" : ""}`,
      baseline: `index ready ${(indexReadyMs / 1000).toFixed(1)} s after the start`,
      ratio: "–",
    });
    for (const [name, request, target] of cases) {
      const ours = await closedLoop(REQUESTS, CONCURRENCY, request);
      const theirs = await closedLoop(REQUESTS, CONCURRENCY, bareGet);
      raw[name] = { ours, bare: theirs };
      rows.push({
        benchmark: `${name}, ${NEEDS.toLocaleString("en")} needs, p95 (${CONCURRENCY} at once)`,
        value: `${ours.p95.toFixed(1)} ms${ours.errors ? ` (${ours.errors} errors)` : ""}`,
        baseline: `${theirs.p95.toFixed(1)} ms (bare express page)`,
        ratio: +(ours.p95 / theirs.p95).toFixed(1),
        target: `≤ ${target} ms`,
        met: ours.p95 <= target && ours.errors === 0,
      });
    }
    return { rows, raw };
  } finally {
    bare.stop();
    await server.stop();
  }
}
