// Runs the jobs on their cron schedules (node-cron, in TIMEZONE). Each fire is
// coordinated through the JobRun table: the replica whose row insert for
// (job, fire slot) succeeds runs it, the others skip. The outbox is also
// drained every few seconds, so messages go out within seconds of being queued.
import { randomUUID } from "node:crypto";
import cron, { type RunCoordinator, type ScheduledTask } from "node-cron";
import type { App } from "../app.ts";
import { createOutboxWorker, outboxJob, processOwner, type OutboxWorker } from "./outbox.ts";
import type { Job, JobContext, JobResult } from "./types.ts";

/**
 * node-cron asks before each fire; its key is "<task name>:<slot ISO time>".
 * The lease TTL node-cron passes is not needed: a slot whose runner died is
 * not retaken, because the next fire computes what is due and catches it up.
 */
export function createJobRunCoordinator(app: App, owner: string): RunCoordinator {
  const split = (key: string) => {
    const i = key.indexOf(":");
    return { job: key.slice(0, i), slot: key.slice(i + 1) };
  };
  return {
    async shouldRun(key) {
      const { job, slot } = split(key);
      return app.store.jobRuns.claim(job, slot, owner, app.clock());
    },
    async onComplete(key) {
      // The run records its own result; this closes a row the run could not (it threw before).
      const { job, slot } = split(key);
      await app.store.jobRuns.finish(job, slot, owner, { status: "failed", result: "ended without a result", at: app.clock() });
    },
  };
}

/**
 * Runs one job tick and records it in JobRun (not for dry runs). `slot` is the
 * fire time for scheduled runs; manual runs get a unique slot.
 */
export async function runJob(
  app: App,
  job: Job,
  options: { now: Date; dryRun?: boolean; out?: JobContext["out"]; slot?: string; owner?: string; claimed?: boolean },
): Promise<JobResult> {
  const dryRun = options.dryRun ?? false;
  const owner = options.owner ?? processOwner();
  const slot = options.slot ?? `manual:${options.now.toISOString()}:${randomUUID().slice(0, 8)}`;
  if (!dryRun && !options.claimed) await app.store.jobRuns.claim(job.name, slot, owner, app.clock());
  try {
    const result = await job.run({ app, now: options.now, dryRun, out: options.out ?? (() => {}) });
    if (!dryRun) await app.store.jobRuns.finish(job.name, slot, owner, { status: "ok", result: result.summary, at: app.clock() });
    app.metrics.jobRuns.inc({ job: job.name, outcome: "ok" });
    return result;
  } catch (err) {
    app.metrics.jobRuns.inc({ job: job.name, outcome: "failed" });
    const message = err instanceof Error ? err.message : String(err);
    if (!dryRun) await app.store.jobRuns.finish(job.name, slot, owner, { status: "failed", result: message.slice(0, 500), at: app.clock() });
    throw err;
  }
}

export interface Scheduler {
  owner: string;
  outbox: OutboxWorker;
  /** Finishes running jobs (up to a timeout), releases what is left, stops the outbox loop. */
  stop(): Promise<void>;
}

const OUTBOX_LOOP_MS = 1000;

export function startScheduler(app: App, jobs: Job[], options: { outboxIntervalMs?: number; stopTimeoutMs?: number } = {}): Scheduler {
  const owner = processOwner();
  const coordinator = createJobRunCoordinator(app, owner);
  // One outbox worker per process: the short loop and the scheduled `outbox`
  // fire share its owner, so stop() stops and releases both.
  const outbox = createOutboxWorker(app, { owner });
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  };

  const cronLogger = {
    info: (message: string) => app.log.debug({ scheduler: "node-cron" }, message),
    warn: (message: string) => app.log.warn({ scheduler: "node-cron" }, message),
    error: (message: string | Error, err?: Error) => app.log.error({ scheduler: "node-cron", err: err ?? message }, String(message)),
    debug: (message: string | Error) => app.log.debug({ scheduler: "node-cron" }, String(message)),
  };
  const tasks: ScheduledTask[] = [];
  for (const listed of jobs) {
    const job = listed.name === "outbox" ? outboxJob(outbox) : listed;
    tasks.push(
      cron.schedule(
        job.schedule,
        (ctx) =>
          track(
            runJob(app, job, { now: app.clock(), slot: ctx.date.toISOString(), owner, claimed: true }).then(
              (r) => app.log.info({ job: job.name }, `${job.name}: ${r.summary}`),
              (err) => app.log.error({ err, job: job.name }, `${job.name} failed`),
            ),
          ),
        { name: job.name, timezone: app.config.timezone, distributed: true, runCoordinator: coordinator, noOverlap: true, logger: cronLogger },
      ),
    );
  }

  // The short loop: no JobRun rows (leases already keep replicas apart), one
  // drain at a time. Each look at an empty queue is one indexed statement; a
  // second between looks is the most a message waits for a replica to notice it.
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const loop = () => {
    if (stopped) return;
    track(outbox.drain(app.clock()))
      .catch((err) => app.log.error({ err }, "outbox drain failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, options.outboxIntervalMs ?? OUTBOX_LOOP_MS);
      });
  };
  timer = setTimeout(loop, options.outboxIntervalMs ?? OUTBOX_LOOP_MS);
  app.log.info({ jobs: jobs.map((j) => `${j.name} (${j.schedule})`), owner }, "scheduler started");

  return {
    owner,
    outbox,
    async stop() {
      stopped = true;
      outbox.stop();
      clearTimeout(timer);
      for (const task of tasks) {
        await task.stop();
        await task.destroy();
      }
      // Sends in flight end within their timeout: wait that long, so no lease of a send that may still complete is given back.
      const timeout = new Promise((resolve) => setTimeout(resolve, options.stopTimeoutMs ?? outbox.sendTimeoutMs + 2000).unref());
      await Promise.race([Promise.allSettled([...inFlight]), timeout]);
      const [jobRuns, messages] = await Promise.all([app.store.jobRuns.release(owner, app.clock()), outbox.release()]);
      if (jobRuns || messages) app.log.warn({ jobRuns, messages }, "scheduler stopped: released unfinished job runs and outbox claims");
    },
  };
}
