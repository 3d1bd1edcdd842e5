// Bench-only bulk data: on top of the demo seed, `needs` needs spread over the
// last year (every status, department and sustainability area; one in ten
// still waits for triage; two in three with one to three supporters), 1,000 reporters, and `workPackages` work packages
// with half a year of answered weekly status requests and one overdue.
// People and work packages go through Prisma's createMany; the needs through
// one prepared better-sqlite3 statement in one transaction (SQLite only):
// 100,000 needs in about a second instead of a minute through createMany.
import Database from "better-sqlite3";
import type { Store } from "../src/store/index.ts";

const STATUSES = [
  ...Array(2).fill("submitted"),
  ...Array(2).fill("accepted"),
  ...Array(3).fill("in_progress"),
  ...Array(8).fill("done"),
  ...Array(3).fill("declined"),
  ...Array(2).fill("duplicate"),
] as string[];
const AREAS = ["", "social", "environmental", "economic", "social,economic", "environmental,social"];
const URGENCIES = ["low", "medium", "high"];
const DAY = 86_400_000;
const CHUNK = 5_000;

async function chunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

export async function seedBulk(store: Store, file: string, options: { needs: number; workPackages: number; now: Date }) {
  const { db } = store;
  const now = options.now.getTime();
  const departments = (await db.department.findMany({ select: { id: true } })).map((d) => d.id);
  const leads = (await db.person.findMany({ select: { id: true } })).map((p) => p.id);

  await chunked(
    Array.from({ length: 1000 }, (_, i) => ({ displayName: `Bench Person ${i}`, email: `bench.${i}@stockholm.example`, locale: i % 5 ? "sv" : "en", departmentId: departments[i % departments.length] })),
    (data) => db.person.createMany({ data }),
  );
  const reporters = (await db.person.findMany({ select: { id: true } })).map((p) => p.id);

  await chunked(
    Array.from({ length: options.workPackages }, (_, i) => ({ code: `BWP${i + 1}`, name: `Bench work package ${i + 1}`, leadId: leads[i % leads.length] })),
    (data) => db.workPackage.createMany({ data }),
  );
  const workPackages = (await db.workPackage.findMany({ select: { id: true } })).map((w) => w.id);
  // 26 answered weekly requests and one overdue per work package: the digest lists health trends and overdue ones.
  const requests = workPackages.flatMap((id, i) => [
    ...Array.from({ length: 26 }, (_, w) => ({ subjectKey: `wp:${id}`, periodKey: `w${w}`, workPackageId: id, recipientId: leads[i % leads.length], askedAt: new Date(now - (w + 1) * 7 * DAY), dueAt: new Date(now - (w + 1) * 7 * DAY + 2 * DAY), answeredAt: new Date(now - (w + 1) * 7 * DAY + DAY) })),
    { subjectKey: `wp:${id}`, periodKey: "overdue", workPackageId: id, recipientId: leads[i % leads.length], askedAt: new Date(now - 4 * DAY), dueAt: new Date(now - 2 * DAY) },
  ]);
  await chunked(requests, (data) => db.statusRequest.createMany({ data }));
  const answered = await db.statusRequest.findMany({ where: { answeredAt: { not: null } }, select: { id: true, recipientId: true, answeredAt: true } });
  await chunked(
    answered.map((r, i) => ({ requestId: r.id, health: ["on_track", "on_track", "at_risk", "blocked"][i % 4]!, progress: "Bench progress", authorId: r.recipientId ?? leads[0]!, createdAt: r.answeredAt! })),
    (data) => db.statusUpdate.createMany({ data }),
  );

  const sqlite = new Database(file);
  const insert = sqlite.prepare(
    `INSERT INTO "Need" (reference, title, problem, sustainability, urgency, departmentId, reporterId, status, workPackageId, awaitingReply, triagedAt, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const support = sqlite.prepare(`INSERT INTO "NeedSupporter" (needId, personId, createdAt) VALUES (?, ?, ?)`);
  const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
  sqlite.transaction(() => {
    for (let i = 0; i < options.needs; i++) {
      const status = STATUSES[i % STATUSES.length]!;
      const createdAt = now - ((i * 7919) % 365) * DAY - (i % 86_400) * 1000;
      const { lastInsertRowid } = insert.run(
        `B-${i + 1}`,
        `Benchmark need ${i + 1} about bookings, permits and school transport`,
        `Generated problem text ${i + 1}: residents wait for answers that several departments could give together.`,
        AREAS[i % AREAS.length]!,
        URGENCIES[i % URGENCIES.length]!,
        departments[i % departments.length]!,
        reporters[i % reporters.length]!,
        status,
        status === "submitted" ? null : workPackages[i % workPackages.length]!,
        status === "submitted" && i % 50 === 0 ? 1 : 0,
        status === "submitted" ? null : iso(createdAt + (1 + (i % 20)) * DAY),
        iso(createdAt),
        iso(createdAt),
      );
      for (let s = 1; s <= i % 4 && i % 3 !== 0; s++) support.run(lastInsertRowid, reporters[(i + s * 7) % reporters.length]!, iso(createdAt + s * DAY));
    }
  })();
  sqlite.close();
}
