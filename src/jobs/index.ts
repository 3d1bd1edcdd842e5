// The list of scheduled jobs. Each feature adds its job here.
import { createDigestJob } from "./digest.ts";
import type { Job } from "./types.ts";

export function allJobs(): Job[] {
  return [createDigestJob()];
}
