// Sends scheduled announcements when their time comes, and finishes queuing
// any left half-queued (a crash while sending): both are read from the stored
// state, so a missed tick is caught up and a repeated one queues nothing twice.
import type { Job } from "./types.ts";

export const announcementsJob: Job = {
  name: "announcements",
  description: "queues scheduled announcements that are due and resumes interrupted ones",
  schedule: "* * * * *",
  async run({ app, now, dryRun }) {
    const { announcements, queued } = await app.announcements.runDue(now, { dryRun });
    return { summary: `${dryRun ? "would queue" : "queued"} ${announcements} announcement(s), ${queued} message(s)`, counts: { announcements, queued } };
  },
};
