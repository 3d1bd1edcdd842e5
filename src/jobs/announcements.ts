// Sends scheduled announcements when their time comes, finishes queuing
// any left half-queued (a crash while sending) and updates the authors' report
// messages whose counts changed: all read from the stored
// state, so a missed tick is caught up and a repeated one queues nothing twice.
import type { Job } from "./types.ts";

export const announcementsJob: Job = {
  name: "announcements",
  description: "queues scheduled announcements that are due and resumes interrupted ones",
  schedule: "* * * * *",
  async run({ app, now, dryRun }) {
    const { announcements, queued } = await app.announcements.runDue(now, { dryRun });
    // The authors' report messages follow the delivery (Slack: updated in place when the counts changed).
    const reports = dryRun ? { updated: 0, failed: 0 } : await app.announcements.refreshReports(now);
    return {
      summary: `${dryRun ? "would queue" : "queued"} ${announcements} announcement(s), ${queued} message(s); ${reports.updated} report(s) updated, ${reports.failed} failed`,
      counts: { announcements, queued, reportsUpdated: reports.updated, reportsFailed: reports.failed },
    };
  },
};
