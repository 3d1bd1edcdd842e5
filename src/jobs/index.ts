// The list of scheduled jobs. Each feature adds its job here.
import { outboxJob } from "./outbox.ts";
import { remindersJob } from "./reminders.ts";
import { statusPingsJob } from "./statusPings.ts";
import type { Job } from "./types.ts";

export function allJobs(): Job[] {
  return [statusPingsJob, remindersJob, outboxJob()];
}

export function jobByName(name: string): Job | undefined {
  return allJobs().find((j) => j.name === name);
}
