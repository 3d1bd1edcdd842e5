// What every scheduled job is. Jobs are level-triggered and idempotent: a run
// computes what is due at `now` from stored state and does only that, so a
// missed tick is caught up on the next and a repeated tick changes nothing.
import type { App } from "../app.ts";

export interface JobContext {
  app: App;
  /** The moment the run acts as if it were (a tick's time, or `--at`). */
  now: Date;
  /** Compute and report, change nothing and send nothing. */
  dryRun: boolean;
  /** Progress and previews for the terminal (CLI); silent in the server. */
  out: (line: string) => void;
}

export interface JobResult {
  /** One line for logs and `jobs list`. */
  summary: string;
  counts?: Record<string, number>;
}

export interface Job {
  /** `status-pings`, `reminders`, `digest`, `outbox`, … */
  name: string;
  description: string;
  /** How often the scheduler ticks this job (cron, in TIMEZONE). */
  schedule: string;
  run(ctx: JobContext): Promise<JobResult>;
}
