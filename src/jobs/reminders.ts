// Reminds leads who have not answered by the due date, one working day at a
// time, then tells the coordinators.
import type { Job } from "./types.ts";

export const remindersJob: Job = {
  name: "reminders",
  description: "reminds leads of unanswered status requests and escalates to coordinators",
  schedule: "*/5 * * * *",
  async run({ app, now, dryRun, out }) {
    const { reminders, escalations } = await app.status.sendFollowUps(now, { dryRun, out });
    const verb = dryRun ? "would send" : "sent";
    return { summary: `${verb} ${reminders} reminder(s), ${escalations} escalation(s)`, counts: { reminders, escalations } };
  },
};
