// The list of scheduled jobs. Each feature adds its job here.
import { announcementsJob } from "./announcements.ts";
import { createDigestJob } from "./digest.ts";
import { outboxJob } from "./outbox.ts";
import { remindersJob } from "./reminders.ts";
import { statusPingsJob } from "./statusPings.ts";
import type { Job } from "./types.ts";

export function allJobs(): Job[] {
  return [statusPingsJob, remindersJob, createDigestJob(), announcementsJob, outboxJob()];
}

export function jobByName(name: string): Job | undefined {
  return allJobs().find((j) => j.name === name);
}
