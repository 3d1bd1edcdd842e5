// `report kpis` against a small hand-made history whose figures were worked
// out by hand (Swedish working days: Easter 2026 is 3–6 April), and the
// digest's comparison of this quarter with the last.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { cardContext } from "../../src/cards/context.ts";
import { digestText } from "../../src/cards/digestCard.ts";
import { loadConfig } from "../../src/config.ts";
import type { KpiFigures } from "../../src/domain/kpis.ts";
import { createLogger } from "../../src/log.ts";
import { runCliCaptured } from "../helpers/cli.ts";
import { createTestDb, type TestDb } from "../helpers/db.ts";

let db: TestDb;
const NOW = "2026-04-15T10:00:00Z";
const at = (day: string) => new Date(`${day}T10:00:00Z`);

const run = runCliCaptured;

beforeAll(async () => {
  db = await createTestDb({ seed: false });
  process.env.DATABASE_URL = db.url;
  const p = db.store.db;
  await db.store.settings.set("triage.targetWorkingDays", 3);
  const [a, b] = await Promise.all([p.department.create({ data: { code: "A", name: "Avd A" } }), p.department.create({ data: { code: "B", name: "Avd B" } })]);
  const person = (name: string, departmentId: number) => p.person.create({ data: { displayName: name, email: `${name}@example.org`, departmentId } });
  const [r1, r2, s1, s2, lead] = [await person("r1", a.id), await person("r2", b.id), await person("s1", b.id), await person("s2", a.id), await person("lead", a.id)];
  let seq = 0;
  const need = async (created: string, departmentId: number, reporterId: number, events: [kind: string, to: string | null, day: string][], supporters: number[]) => {
    const n = await p.need.create({
      data: { reference: `N-2026-${String(++seq).padStart(4, "0")}`, title: `Need ${seq}`, problem: "p", urgency: "low", departmentId, reporterId, createdAt: at(created) },
    });
    await p.needEvent.create({ data: { needId: n.id, kind: "created", toStatus: "submitted", actorId: reporterId, createdAt: at(created) } });
    for (const [kind, toStatus, day] of events) await p.needEvent.create({ data: { needId: n.id, kind, toStatus, actorId: lead.id, createdAt: at(day) } });
    for (const personId of supporters) await p.needSupporter.create({ data: { needId: n.id, personId } });
  };
  // Q1
  await need("2026-02-02", a.id, r1.id, [["question", null, "2026-02-04"], ["accepted", "accepted", "2026-02-09"], ["done", "done", "2026-02-16"]], [s1.id]);
  await need("2026-03-05", b.id, r2.id, [["declined", "declined", "2026-03-06"]], []);
  await need("2026-03-02", a.id, r1.id, [], [s2.id]);
  // Q2: accepted across Easter (Good Friday and Easter Monday are closed)
  await need("2026-04-02", b.id, r2.id, [["status", "accepted", "2026-04-07"]], [s2.id]);
  await need("2026-04-14", a.id, r1.id, [], []);

  const wp1 = await p.workPackage.create({ data: { code: "WP1", name: "One", leadId: lead.id } });
  const wp2 = await p.workPackage.create({ data: { code: "WP2", name: "Two", leadId: lead.id } });
  const request = (wp: number, key: string, asked: string, due: Date, answered: string | null) =>
    p.statusRequest.create({ data: { subjectKey: `wp:${wp}`, periodKey: key, workPackageId: wp, recipientId: lead.id, askedAt: at(asked), dueAt: due, answeredAt: answered ? at(answered) : null } });
  await request(wp1.id, "a", "2026-03-02", at("2026-03-04"), "2026-03-03");
  await request(wp1.id, "b", "2026-03-16", at("2026-03-18"), "2026-03-19");
  await request(wp1.id, "c", "2026-04-13", new Date("2026-04-15T12:00:00Z"), null); // not due yet at NOW
  await request(wp2.id, "d", "2026-04-01", at("2026-04-03"), null);

  const lesson = (key: string, answered: string | null) =>
    p.lesson.create({ data: { occasionKey: key, occasion: "need_done", ownerId: lead.id, askedAt: at("2026-02-16"), answeredAt: answered ? at(answered) : null, worked: "x", shareable: true } });
  await lesson("l1", "2026-02-20");
  await lesson("l2", "2026-04-10");
  await lesson("l3", null);
});
afterAll(async () => {
  delete process.env.DATABASE_URL;
  await db.cleanup();
});

const share = (count: number, of: number) => ({ count, of, share: count / of });

describe("report kpis", () => {
  it("matches the hand-computed figures per quarter and in total (JSON)", async () => {
    const result = await run("report", "kpis", "--format", "json", "--at", NOW);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out.join("\n")) as { targetDays: number; periods: KpiFigures[] };
    expect(report.targetDays).toBe(3);
    expect(report.periods.map((p) => p.period)).toEqual(["2026-Q1", "2026-Q2", "total"]);
    const [q1, q2, total] = report.periods;
    expect(q1).toEqual({
      period: "2026-Q1",
      needsReported: 3,
      medianDaysToTriage: 1.5, // 2 (question) and 1
      triaged: 2,
      medianDaysToDecision: 3, // 5 and 1
      decided: 2,
      medianDaysToDone: 10, // 2 Feb → 16 Feb
      done: 1,
      crossDepartmentSupport: share(1, 3),
      toldWithinTarget: share(1, 3), // 5 > 3, 1 ≤ 3, the undecided one is past the target
      pingsOnTime: [{ workPackage: "WP1", ...share(1, 2) }],
      lessonsLogged: 1,
    });
    expect(q2).toEqual({
      period: "2026-Q2",
      needsReported: 2,
      medianDaysToTriage: 1, // Thu 2 Apr → Tue 7 Apr over Easter
      triaged: 1,
      medianDaysToDecision: 1,
      decided: 1,
      medianDaysToDone: null,
      done: 0,
      crossDepartmentSupport: share(1, 2),
      toldWithinTarget: share(1, 1), // the need of 14 April is still within the target
      pingsOnTime: [{ workPackage: "WP2", ...share(0, 1) }], // WP1's is not due yet
      lessonsLogged: 1,
    });
    expect(total).toMatchObject({
      needsReported: 5,
      medianDaysToTriage: 1, // 2, 1, 1
      medianDaysToDecision: 1, // 5, 1, 1
      medianDaysToDone: 10,
      crossDepartmentSupport: share(2, 5),
      toldWithinTarget: share(2, 4),
      pingsOnTime: [
        { workPackage: "WP1", ...share(1, 2) },
        { workPackage: "WP2", ...share(0, 1) },
      ],
      lessonsLogged: 2,
    });
  });

  it("prints the same figures as CSV rows and as a table; refuses bad options", async () => {
    const csv = await run("report", "kpis", "--format", "csv", "--at", NOW);
    expect(csv.out[0]).toBe("period,metric,workPackage,value,count,of");
    expect(csv.out).toContain('"2026-Q1","median_working_days_to_decision","","3","2",""');
    expect(csv.out).toContain('"total","share_told_outcome_within_target","","0.5","2","4"');
    expect(csv.out).toContain('"total","share_status_pings_answered_on_time","WP1","0.5","1","2"');
    const table = await run("report", "kpis", "--at", NOW);
    expect(table.out[0]).toMatch(/^period\s+metric\s+workPackage\s+value\s+count\s+of$/);
    expect(table.out.find((l) => l.startsWith("total") && l.includes("lessons_logged"))).toMatch(/lessons_logged\s+2\s+2\s+–$/);
    expect((await run("report", "kpis", "--format", "xml")).code).toBe(2);
    expect((await run("report", "kpis", "--at", "yesterday")).code).toBe(2);
  });

  it("shows this quarter against the last in the coordinators' digest", async () => {
    const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: "silent" }, "/nonexistent/.env");
    const app = createApp({ config, store: db.store, log: createLogger("silent"), clock: () => new Date(NOW) });
    const data = await app.digests.build({ from: new Date("2026-04-08T10:00:00Z"), to: new Date(NOW), key: "test" });
    const sv = digestText(cardContext("sv", "Europe/Stockholm"), data);
    expect(sv).toContain("Utvärdering: 2026-Q2 jämfört med 2026-Q1");
    expect(sv).toContain("Median arbetsdagar till triage: 1 (förra 1,5)");
    expect(sv).toContain("Rapportörer som fick besked inom målet: 100 % (förra 33 %)");
    // The lesson answered on 10 April is shareable: one lesson this period.
    expect(sv).toContain("Periodens lärdomar (1)");
    const en = digestText(cardContext("en", "Europe/Stockholm"), data);
    expect(en).toContain("Evaluation: 2026-Q2 against 2026-Q1");
    expect(en).toContain("Lessons logged: 1 (before 1)");
  });
});
