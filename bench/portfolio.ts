// The portfolio at scale: with 100,000 needs (BENCH_PORTFOLIO_NEEDS for a
// quick run), p95 of /portfolio, a filtered and searched list, and a need's
// page, signed in, against a bare express page in the same run.
import { child } from "./digest.ts";
import { startBaselines } from "./inbound.ts";
import { freePort } from "../test/helpers/net.ts";
import { closedLoop, startServerProcess, tempDbUrl } from "./lib.ts";

const NEEDS = Number(process.env.BENCH_PORTFOLIO_NEEDS ?? 100_000);
const REQUESTS = 200;
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
    // Warm-up: the first search loads the similar-needs index; charts and pages compile.
    for (const [, request] of cases) await closedLoop(10, 1, request);
    await closedLoop(50, CONCURRENCY, bareGet);
    const rows = [];
    const raw: Record<string, unknown> = { needs: NEEDS, seedMs };
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
