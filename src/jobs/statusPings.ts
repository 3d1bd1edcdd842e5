// Starts every status period that is due: one StatusRequest per subject and
// period, and the ping in the outbox, in one transaction.
import type { Job } from "./types.ts";

export const statusPingsJob: Job = {
  name: "status-pings",
  description: "asks work-package and initiative leads for their status when a period starts",
  schedule: "*/5 * * * *",
  async run({ app, now, dryRun, out }) {
    const { created, waiting, invalid } = await app.status.startDuePeriods(now, { dryRun, out });
    const verb = dryRun ? "would ask" : "asked";
    return { summary: `${verb} ${created}, ${waiting} waiting (away), ${invalid} invalid cadence(s)`, counts: { created, waiting, invalid } };
  },
};
