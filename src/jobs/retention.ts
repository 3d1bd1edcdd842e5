// Retention: outbox payloads are personal data and JobRun rows pile up (about
// 2,100 a day). Once a day: the payload of a message sent more than
// OUTBOX_RETENTION_DAYS ago is blanked, of a failed one 90 days after its last
// attempt (time to look into it and retry); job runs go after 30 days. The
// outbox rows stay, so a dedupe key is never reused. The shared rate limiter's
// rows of keys unused for two hours go too.
import { RATE_LIMIT_KEY_RETENTION_MS } from "../store/rateLimits.ts";
import type { Job } from "./types.ts";

const DAY_MS = 86_400_000;
export const FAILED_RETENTION_DAYS = 90;
export const JOB_RUN_RETENTION_DAYS = 30;

export const retentionJob: Job = {
  name: "retention",
  description: `prunes sent outbox payloads after OUTBOX_RETENTION_DAYS, failed ones after ${FAILED_RETENTION_DAYS} days, job runs after ${JOB_RUN_RETENTION_DAYS} days, rate-limit keys unused for 2 hours`,
  schedule: "40 3 * * *",
  async run({ app, now, dryRun, out }) {
    const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const sentBefore = ago(app.config.outboxRetentionDays);
    const failedBefore = ago(FAILED_RETENTION_DAYS);
    const jobRunsBefore = ago(JOB_RUN_RETENTION_DAYS);
    if (dryRun) {
      out(`would prune payloads of messages sent before ${sentBefore.toISOString()} and failed before ${failedBefore.toISOString()}, job runs before ${jobRunsBefore.toISOString()}`);
      return { summary: "dry run" };
    }
    const pruned = await app.store.outbox.prunePayloads({ sentBefore, failedBefore });
    const jobRuns = await app.store.jobRuns.prune(jobRunsBefore);
    await app.store.rateLimits.prune(new Date(now.getTime() - RATE_LIMIT_KEY_RETENTION_MS));
    return {
      summary: `${pruned.sent} sent and ${pruned.failed} failed payloads pruned, ${jobRuns} job runs deleted`,
      counts: { sent: pruned.sent, failed: pruned.failed, jobRuns },
    };
  },
};
