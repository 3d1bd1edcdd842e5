// `export needs` and `person erase` against a real database file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "../helpers/cli.ts";
import { createTestDb, personByEmail, type TestDb } from "../helpers/db.ts";

let db: TestDb;
const run = runCliCaptured;

beforeAll(async () => {
  db = await createTestDb();
  process.env.DATABASE_URL = db.url;
});
afterAll(async () => {
  delete process.env.DATABASE_URL;
  await db.cleanup();
});

describe("cli data commands", () => {
  it("exports every need as CSV and JSON, with progress on stderr", async () => {
    const total = await db.store.needs.count();
    const csv = await run("export", "needs", "--format", "csv");
    expect(csv.code).toBe(0);
    expect(csv.out[0]).toMatch(/^reference,status,title/);
    expect(csv.out).toHaveLength(total + 1);
    expect(csv.err.at(-1)).toBe(`exported ${total}/${total} needs`);
    const json = JSON.parse((await run("export", "needs", "--format", "json")).out.join("\n"));
    expect(json).toHaveLength(total);
    expect(json[0]).toMatchObject({ reference: expect.stringMatching(/^N-\d{4}-\d{4}$/), status: expect.any(String) });
    expect((await run("export", "needs", "--format", "xml")).code).toBe(2);
  });

  it("erases a person's personal data but keeps their needs", async () => {
    const lars = await personByEmail(db.store, "lars.andersson");
    const before = await db.store.needs.reportedBy(lars.id);
    const result = await run("person", "erase", "Lars.Andersson@stockholm.example");
    expect(result.code).toBe(0);
    expect(await db.store.people.byEmail("lars.andersson@stockholm.example")).toBeNull();
    const after = await db.store.needs.reportedBy(lars.id);
    expect(after).toHaveLength(before.length);
    expect(after.every((n) => n.reporterName === `Erased person ${lars.id}`)).toBe(true);
    expect(await db.store.people.accountsOf(lars.id)).toEqual([]);
    expect(await db.store.audit.forSubject(`person:${lars.id}`)).toHaveLength(1);
    expect((await run("person", "erase", "nobody@example.org")).code).toBe(1);
  });

  it("names unknown commands", async () => {
    const r = await run("frobnicate");
    expect(r.code).toBe(2);
    expect(r.err.join("\n")).toContain("Unknown command: frobnicate");
  });
});
