// The scheduler with node-cron and the JobRun coordinator: two replicas on one
// database run each fire once; stop() finishes or releases what it claimed.
// And the `jobs` CLI as an operator uses it.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli.ts";
import { startScheduler } from "../../src/jobs/scheduler.ts";
import type { Job } from "../../src/jobs/types.ts";
import { createTestDb, type TestDb } from "../helpers/db.ts";
import { clockedApp } from "../helpers/jobs.ts";

let db: TestDb;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await db.cleanup();
});

describe("scheduler", () => {
  it("runs each fire on one replica only and records the result", async () => {
    const runs: string[] = [];
    // A barrier instead of a fixed sleep: the test goes on once two fires have run, however busy the machine.
    let twoRan!: () => void;
    const ranTwice = new Promise<void>((resolve) => (twoRan = resolve));
    const job = (replica: string): Job => ({
      name: "test-every-second",
      description: "test",
      schedule: "* * * * * *",
      async run() {
        runs.push(replica);
        if (runs.length >= 2) twoRan();
        return { summary: `ran on ${replica}` };
      },
    });
    const a = clockedApp(db);
    const b = clockedApp(db);
    a.setNow("2026-03-30T07:00:00Z");
    b.setNow("2026-03-30T07:00:00Z");
    const schedulers = [startScheduler(a.app, [job("a")]), startScheduler(b.app, [job("b")])];
    await ranTwice;
    await Promise.all(schedulers.map((s) => s.stop()));
    const rows = await db.store.db.jobRun.findMany({ where: { job: "test-every-second" }, orderBy: { slot: "asc" } });
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(runs).toHaveLength(rows.length);
    expect(new Set(rows.map((r) => r.slot)).size).toBe(rows.length);
    expect(rows.every((r) => r.status === "ok" && r.result === `ran on ${schedulers[0]!.owner === r.owner ? "a" : "b"}` && r.finishedAt)).toBe(true);
  });

  it("on stop, releases a run that does not finish in time", async () => {
    let finish!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const slow: Job = {
      name: "test-slow",
      description: "test",
      schedule: "* * * * * *",
      run: () =>
        new Promise((resolve) => {
          finish = () => resolve({ summary: "finished late" });
          started();
        }),
    };
    const a = clockedApp(db);
    // After the late finish, the run (ok) and then node-cron's onComplete (failed) each try to
    // close the row: a barrier on both writes instead of a sleep, then neither may have taken it back.
    const jobRuns = a.app.store.jobRuns;
    const close = jobRuns.finish;
    let closes = 0;
    let bothTried!: () => void;
    const closed = new Promise<void>((resolve) => (bothTried = resolve));
    vi.spyOn(jobRuns, "finish").mockImplementation(async (...args) => {
      await close.apply(jobRuns, args);
      if (++closes === 2) bothTried();
    });
    const scheduler = startScheduler(a.app, [slow], { stopTimeoutMs: 100 });
    await running;
    await scheduler.stop();
    const [row] = await db.store.db.jobRun.findMany({ where: { job: "test-slow" } });
    expect(row!.status).toBe("released");
    finish();
    await closed;
    expect((await db.store.db.jobRun.findFirst({ where: { job: "test-slow" } }))!.status).toBe("released");
  });
});

describe("jobs CLI", () => {
  async function cli(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    process.env.DATABASE_URL = db.url;
    process.env.LOG_LEVEL = "silent";
    const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  it("runs a tick as if at a time, dry or for real, and lists the last results", async () => {
    const dry = await cli("jobs", "run", "status-pings", "--at", "2026-03-30T09:00:00+02:00", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("WP1: would ask Maria Svensson (lead) for period 2026-03-30T09:00");
    expect(dry.out).toContain("status-pings: would ask 5");
    expect(await db.store.db.statusRequest.count()).toBe(0);
    expect(await db.store.db.jobRun.count()).toBe(0);

    const real = await cli("jobs", "run", "status-pings", "--at", "2026-03-30T09:00:00+02:00");
    expect(real.out).toContain("status-pings: asked 5");
    expect(await db.store.db.statusRequest.count()).toBe(5);
    const outbox = await cli("jobs", "run", "outbox", "--at", "2026-03-30T09:00:05+02:00", "--dry-run");
    expect(outbox.out.match(/would deliver #\d+ status.ping/g)).toHaveLength(5);

    const list = await cli("jobs", "list");
    expect(list.out).toMatch(/status-pings\s+\*\/5 \* \* \* \*\s+next \d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(list.out).toMatch(/last: .* ok: asked 5, 0 waiting/);
    expect(list.out).toMatch(/reminders[\s\S]*last: never/);
  });

  it("refuses unknown jobs, options and times", async () => {
    expect(await cli("jobs", "run", "nope")).toMatchObject({ code: 2, err: expect.stringContaining('Unknown job "nope"') });
    expect(await cli("jobs", "run", "outbox", "--at", "monday")).toMatchObject({ code: 2, err: expect.stringContaining("--at needs an ISO time") });
    expect(await cli("jobs", "run", "outbox", "--force")).toMatchObject({ code: 2, err: expect.stringContaining("Unknown option --force") });
    expect(await cli("jobs")).toMatchObject({ code: 2 });
  });
});
