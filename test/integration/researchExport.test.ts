// `export research` from a seeded database: nobody's name, e-mail or platform
// id anywhere in the output, stable keyed pseudonyms, checksums that match and
// a codebook that names every column. Runs on SQLite and, with
// scripts/withPostgres.sh, on PostgreSQL.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "../helpers/cli.ts";
import { createTestDb, personByEmail, type TestDb } from "../helpers/db.ts";

const KEY = "research-key-one-0123456789abcdef0123456789";
const OTHER_KEY = "research-key-two-0123456789abcdef0123456789";

let db: TestDb;
let dir: string;
const out = (name: string) => path.join(dir, name);
const read = (folder: string, file: string) => readFileSync(path.join(folder, file), "utf8");

async function run(key: string | undefined, ...argv: string[]) {
  if (key === undefined) delete process.env.RESEARCH_KEY;
  else process.env.RESEARCH_KEY = key;
  return runCliCaptured(...argv);
}

beforeAll(async () => {
  db = await createTestDb();
  process.env.DATABASE_URL = db.url;
  dir = mkdtempSync(path.join(tmpdir(), "samordna-research-"));
  const p = db.store.db;
  const lars = await personByEmail(db.store, "lars.andersson");
  const maria = await personByEmail(db.store, "maria.svensson");
  // Platform accounts, and names written into free text everywhere text goes.
  await db.store.people.ensureFromAccount({ platform: "teams", tenantId: "tenant-x", userId: "aad-0f3c-lars-teams", displayName: "Lars Andersson", email: lars.email }, { locale: "sv" });
  await db.store.people.ensureFromAccount({ platform: "slack", tenantId: "T0SAMORDNA", userId: "U0LARSSLACK", displayName: "Lars A", email: lars.email }, { locale: "sv" });
  const need = await p.need.findFirstOrThrow({ orderBy: { id: "asc" } });
  await p.need.update({ where: { id: need.id }, data: { problem: `${need.problem} Maria Svensson (maria.svensson@stockholm.example) knows; ask U0LARSSLACK or LARS ANDERSSON.` } });
  await p.needEvent.create({ data: { needId: need.id, kind: "question", actorId: maria.id, note: "Lars Andersson, who else is affected?" } });
  // One need from long ago, for the period filter.
  const last = await p.need.findFirstOrThrow({ orderBy: { id: "desc" } });
  await p.need.update({ where: { id: last.id }, data: { createdAt: new Date("2020-01-15T10:00:00Z") } });
  const wp = await p.workPackage.findFirstOrThrow({ where: { code: "WP1" } });
  const request = await p.statusRequest.create({ data: { subjectKey: `wp:${wp.id}`, periodKey: "2026-11-16T09:00", workPackageId: wp.id, recipientId: maria.id, dueAt: new Date(), answeredAt: new Date() } });
  await p.statusUpdate.create({ data: { requestId: request.id, health: "at_risk", progress: "Met Lars Andersson", authorId: maria.id } });
  // A method of the example catalogue, attached to the first need.
  const method = await p.method.findUniqueOrThrow({ where: { code: "service-design" } });
  await p.needMethod.create({ data: { needId: need.id, methodId: method.id, createdAt: new Date("2026-11-18T10:00:00Z") } });
  await p.lesson.create({
    data: { occasionKey: `need:${need.id}:done`, occasion: "need_done", needId: need.id, ownerId: maria.id, askedAt: new Date(), answeredAt: new Date(), worked: "Pairing with Lars Andersson", othersShouldKnow: "Write to lars.andersson@stockholm.example early", shareable: true },
  });
});
afterAll(async () => {
  delete process.env.DATABASE_URL;
  delete process.env.RESEARCH_KEY;
  await db.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe("export research", () => {
  it("writes every table as CSV and JSON with progress on stderr, and no name, e-mail or platform id anywhere", async () => {
    const result = await run(KEY, "export", "research", "--out", out("one"));
    expect(result.code).toBe(0);
    expect(result.err).toContain("wrote needs: 6 row(s)");
    const files = readdirSync(out("one")).sort();
    for (const table of ["departments", "people", "needs", "need_events", "supports", "work_packages", "initiatives", "methods", "need_methods", "status_requests", "status_updates", "lessons"]) {
      expect(files).toContain(`${table}.csv`);
      expect(files).toContain(`${table}.json`);
    }
    expect(files).toEqual(expect.arrayContaining(["codebook.md", "codebook.json", "manifest.json"]));

    const people = await db.store.db.person.findMany({ include: { accounts: true } });
    const secrets = people.flatMap((x) => [x.displayName, x.email, ...x.accounts.map((a) => a.userId)]).filter((s): s is string => !!s);
    expect(secrets).toEqual(expect.arrayContaining(["Lars Andersson", "aad-0f3c-lars-teams", "U0LARSSLACK"]));
    for (const file of files) {
      const content = read(out("one"), file).toLowerCase();
      const found = secrets.filter((s) => content.includes(s.toLowerCase()));
      expect(found, file).toEqual([]);
    }
    // The text is kept, the names in it replaced by the pseudonyms of the people table.
    const pseudonyms = new Set((JSON.parse(read(out("one"), "people.json")) as { person: string }[]).map((x) => x.person));
    const needs = JSON.parse(read(out("one"), "needs.json")) as { need_id: number; problem: string; reporter: string }[];
    const mentioned = needs[0]!.problem.match(/P-[0-9a-f]{16}/g)!;
    expect(mentioned).toHaveLength(4);
    expect(mentioned.every((m) => pseudonyms.has(m))).toBe(true);
    expect(needs[0]!.problem).toMatch(/knows; ask P-[0-9a-f]{16} or P-[0-9a-f]{16}\.$/);
    expect(pseudonyms.has(needs[0]!.reporter)).toBe(true);
    const lessons = JSON.parse(read(out("one"), "lessons.json")) as Record<string, unknown>[];
    expect(lessons).toEqual([expect.objectContaining({ occasion: "need_done", worked: expect.stringMatching(/^Pairing with P-[0-9a-f]{16}$/), shareable: true })]);
    // The catalogue and the methods attached to needs, by the need's export id.
    const wp3 = JSON.parse(read(out("one"), "work_packages.json")).find((w: { code: string }) => w.code === "WP3");
    expect(JSON.parse(read(out("one"), "methods.json"))).toContainEqual({
      method_id: expect.any(Number),
      code: "service-design",
      name: "Tjänstedesign",
      name_en: "Service design",
      work_package_id: wp3.work_package_id,
      effort: "medium",
      tags: "användare;kundresa;prototyp;users;journey;prototype",
      sustainability: "social",
      active: true,
    });
    expect(JSON.parse(read(out("one"), "need_methods.json"))).toEqual([{ need_id: needs[0]!.need_id, method_code: "service-design", attached_at: "2026-11-18T10:00:00.000Z" }]);
    // Roles and department are kept.
    const roles = (JSON.parse(read(out("one"), "people.json")) as { roles: string }[]).map((x) => x.roles);
    expect(roles).toContain("coordinator;employee");
  });

  it("gives the same pseudonyms with the same key and different ones with another key", async () => {
    expect((await run(KEY, "export", "research", "--out", out("two"))).code).toBe(0);
    expect((await run(OTHER_KEY, "export", "research", "--out", out("other"))).code).toBe(0);
    for (const file of readdirSync(out("one")).filter((f) => f !== "manifest.json")) expect(read(out("two"), file), file).toBe(read(out("one"), file));
    const ids = (folder: string) => (JSON.parse(read(folder, "people.json")) as { person: string }[]).map((x) => x.person);
    expect(ids(out("other"))).toHaveLength(ids(out("one")).length);
    expect(ids(out("other")).filter((x) => ids(out("one")).includes(x))).toEqual([]);
  });

  it("lists every file with its SHA-256, the row counts, the period and the export time in the manifest", async () => {
    const manifest = JSON.parse(read(out("one"), "manifest.json"));
    const files = readdirSync(out("one")).filter((f) => f !== "manifest.json").sort();
    expect(Object.keys(manifest.files).sort()).toEqual(files);
    for (const file of files) expect(manifest.files[file], file).toBe(createHash("sha256").update(readFileSync(path.join(out("one"), file))).digest("hex"));
    expect(manifest.rowCounts.needs).toBe(6);
    expect(manifest.rowCounts.lessons).toBe(1);
    expect(manifest.rowCounts.methods).toBe(await db.store.db.method.count());
    expect(manifest.rowCounts.need_methods).toBe(1);
    expect(manifest.period).toEqual({ from: null, to: null });
    expect(Date.now() - Date.parse(manifest.exportedAt)).toBeLessThan(3_600_000);
  });

  it("has a codebook naming every column of every table, with type and meaning", async () => {
    const codebook = JSON.parse(read(out("one"), "codebook.json")) as { tables: { name: string; columns: { name: string; type: string; meaning: string; values?: string[] }[] }[] };
    const markdown = read(out("one"), "codebook.md");
    for (const file of readdirSync(out("one")).filter((f) => f.endsWith(".csv"))) {
      const table = codebook.tables.find((t) => `${t.name}.csv` === file);
      expect(table, file).toBeDefined();
      const header = read(out("one"), file).split("\n")[0]!.split(",");
      expect(table!.columns.map((c) => c.name)).toEqual(header);
      const rows = JSON.parse(read(out("one"), file.replace(/csv$/, "json"))) as Record<string, unknown>[];
      for (const row of rows) expect(Object.keys(row)).toEqual(header);
      for (const c of table!.columns) {
        expect(c.meaning.length, `${file} ${c.name}`).toBeGreaterThan(3);
        expect(markdown).toContain(`| ${c.name} | ${c.type} |`);
      }
    }
    expect(codebook.tables.find((t) => t.name === "needs")!.columns.find((c) => c.name === "status")!.values).toContain("in_progress");
  });

  it("coarsens dates and limits the period", async () => {
    expect((await run(KEY, "export", "research", "--out", out("month"), "--coarsen", "month", "--from", "2020-01-01", "--to", "2020-01-15")).code).toBe(0);
    const needs = JSON.parse(read(out("month"), "needs.json")) as { reported_at: string; need_id: number }[];
    expect(needs.map((n) => n.reported_at)).toEqual(["2020-01"]);
    // Attachments follow the needs of the period; the catalogue is whole.
    expect(read(out("month"), "need_methods.json")).toBe("[]\n");
    expect(JSON.parse(read(out("month"), "methods.json"))).toHaveLength(await db.store.db.method.count());
    expect(JSON.parse(read(out("month"), "manifest.json")).period).toEqual({ from: "2020-01-01", to: "2020-01-15" });
    expect((await run(KEY, "export", "research", "--out", out("none"), "--from", "2020-01-01", "--to", "2020-01-14")).code).toBe(0);
    expect(read(out("none"), "needs.json")).toBe("[]\n");
    expect((await run(KEY, "export", "research", "--out", out("week"), "--coarsen", "week")).code).toBe(0);
    expect((JSON.parse(read(out("week"), "needs.json")) as { reported_at: string }[]).every((n) => /^\d{4}-\d{2}-\d{2}$/.test(n.reported_at))).toBe(true);
    expect((JSON.parse(read(out("week"), "need_methods.json")) as { attached_at: string }[]).map((m) => m.attached_at)).toEqual(["2026-11-16"]);
  });

  it("refuses without RESEARCH_KEY, with bad options, or into a directory that holds files; writes nothing", async () => {
    const noKey = await run(undefined, "export", "research", "--out", out("nokey"));
    expect(noKey.code).toBe(2);
    expect(noKey.err.join("\n")).toContain("RESEARCH_KEY is not set");
    expect(existsSync(out("nokey"))).toBe(false);
    const short = await run("too-short", "export", "research", "--out", out("short"));
    expect(short.code).toBe(1);
    expect(short.err.join("\n")).toContain("RESEARCH_KEY: must be at least 32 characters");
    expect((await run(KEY, "export", "research", "--out", out("bad"), "--coarsen", "day")).code).toBe(2);
    expect((await run(KEY, "export", "research", "--out", out("bad"), "--from", "1 May")).code).toBe(2);
    expect((await run(KEY, "export", "research", "--out", out("bad"), "--from", "2026-05-02", "--to", "2026-05-01")).code).toBe(2);
    expect((await run(KEY, "export", "research")).code).toBe(2);
    expect(existsSync(out("bad"))).toBe(false);
    const full = await run(KEY, "export", "research", "--out", out("one"));
    expect(full.code).toBe(2);
    expect(full.err.join("\n")).toContain("is not empty");
    expect(readdirSync(dir).filter((f) => f.includes(".partial-"))).toEqual([]);
  });
});
