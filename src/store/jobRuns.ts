// One row per job name and fire slot: the replica whose insert succeeds runs
// the fire (node-cron's RunCoordinator), and the row keeps the result for `jobs list`.
import type { Tx } from "./client.ts";

export interface JobRunRecord {
  job: string;
  slot: string;
  owner: string;
  startedAt: Date;
  finishedAt: Date | null;
  status: string;
  result: string | null;
}

export function createJobRunsRepository(db: Tx) {
  return {
    /** True when this owner won the slot; false when another run holds it already. */
    async claim(job: string, slot: string, owner: string, at: Date): Promise<boolean> {
      // ON CONFLICT, not catching a unique violation: on PostgreSQL a failed
      // statement aborts the surrounding transaction. A concurrent insert of
      // the same slot waits for the other to commit, then does nothing.
      const inserted = await db.$executeRaw`INSERT INTO "JobRun" ("job", "slot", "owner", "startedAt", "status")
        VALUES (${job}, ${slot}, ${owner}, ${at}, 'running')
        ON CONFLICT ("job", "slot") DO NOTHING`;
      return inserted === 1;
    },

    async finish(job: string, slot: string, owner: string, outcome: { status: "ok" | "failed"; result: string; at: Date }): Promise<void> {
      await db.jobRun.updateMany({
        where: { job, slot, owner, finishedAt: null },
        data: { status: outcome.status, result: outcome.result, finishedAt: outcome.at },
      });
    },

    /** Marks runs `owner` started and never finished as released (shutdown). */
    async release(owner: string, at: Date): Promise<number> {
      const { count } = await db.jobRun.updateMany({ where: { owner, finishedAt: null }, data: { status: "released", finishedAt: at } });
      return count;
    },

    /** Retention: deletes runs started before `before` (a few thousand a day). */
    async prune(before: Date): Promise<number> {
      const { count } = await db.jobRun.deleteMany({ where: { startedAt: { lt: before } } });
      return count;
    },

    async last(job: string): Promise<JobRunRecord | null> {
      return db.jobRun.findFirst({ where: { job }, orderBy: { startedAt: "desc" } });
    },
  };
}
export type JobRunsRepository = ReturnType<typeof createJobRunsRepository>;
