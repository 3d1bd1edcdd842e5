// The learning log's questions and their one reminder (src/domain/lessons.ts).
import type { Job } from "./types.ts";

export const lessonsJob: Job = {
  name: "lessons",
  description: "asks owners for lessons when a need is done or an initiative ends (or on its cadence), and reminds once",
  schedule: "*/15 * * * *",
  async run({ app, now, dryRun, out }) {
    const asked = await app.lessons.askDue(now, { dryRun, out });
    const reminded = await app.lessons.remindDue(now, { dryRun, out });
    const verb = dryRun ? "would ask" : "asked";
    return { summary: `${verb} ${asked} lesson question(s), ${reminded} reminder(s)`, counts: { asked, reminded } };
  },
};
