// Issue 17, findings 3 and 4: `person erase` leaves no trace of the person in
// any table (scanned table by table, on SQLite and PostgreSQL), clears their
// work-package roles and tells the coordinators; `person export` lists it all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainText } from "../../src/cards/elements.ts";
import { runCliCaptured } from "../helpers/cli.ts";
import { createTestDb, personByEmail, type TestDb } from "../helpers/db.ts";

let db: TestDb;
const run = runCliCaptured;

/** Every row of every table, as text. */
async function everyTable(): Promise<Record<string, string>> {
  const raw = db.store.db as unknown as { $queryRawUnsafe<T>(sql: string): Promise<T> };
  const tables =
    db.store.kind === "postgres"
      ? await raw.$queryRawUnsafe<{ name: string }[]>(
          "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        )
      : await raw.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const rows = await raw.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${name}"`);
    out[name] = JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
  }
  return out;
}

const EMAIL = "lars.andersson@stockholm.example";
const NAME = "Lars Andersson";
const TEAMS_ID = "29:1lars-teams-user";
const AAD = "aad-0000-lars-1111";

beforeAll(async () => {
  db = await createTestDb();
  process.env.DATABASE_URL = db.url;
  const lars = await personByEmail(db.store, "lars.andersson");
  const karin = await personByEmail(db.store, "karin.lindqvist").catch(() => personByEmail(db.store, "fatima.ali"));
  const p = db.store.db;
  const ref = { user: { id: TEAMS_ID, aadObjectId: AAD, name: NAME }, conversation: { id: "a:1lars-personal-chat" }, serviceUrl: "https://smba.example/" };
  await p.chatAccount.create({ data: { personId: lars.id, platform: "teams", tenantId: "t1", userId: TEAMS_ID, conversationRef: JSON.stringify(ref) } });
  // The traces the probe found:
  await db.store.settings.set("teams.channel:19:abc@thread.tacv2", { ...ref, conversation: { id: "19:abc@thread.tacv2" } });
  await p.webChatMessage.create({ data: { personId: karin.id, card: JSON.stringify({ text: `Question from ${plainText(NAME)} [x]` }) } });
  await p.outboxMessage.create({ data: { dedupeKey: "t1", target: `person:${karin.id}`, kind: "notification", payload: JSON.stringify({ text: `${NAME} asked` }), status: "sent", sentAt: new Date() } });
  await p.outboxMessage.create({ data: { dedupeKey: "t2", target: `person:${lars.id}`, kind: "notification", payload: JSON.stringify({ text: "for you" }), status: "sent", sentAt: new Date() } });
  await db.store.audit.record({ actorId: lars.id, action: "denied", subject: "admin:role.grant", after: { email: EMAIL } });
  await db.store.audit.record({ actorId: null, action: "org.apply", subject: "organisation", after: [`+ person ${EMAIL}: name ${NAME}`] });
  const wp = (await db.store.workPackages.active())[0]!;
  await p.workPackage.update({ where: { id: wp.id }, data: { deputyId: lars.id } });
});
afterAll(async () => {
  delete process.env.DATABASE_URL;
  await db.cleanup();
});

describe("person export and erase", () => {
  it("exports everything stored about a person as JSON (finding 4)", async () => {
    const result = await run("person", "export", EMAIL);
    expect(result.code).toBe(0);
    const data = JSON.parse(result.out.join("\n"));
    expect(data.person).toMatchObject({ displayName: NAME, email: EMAIL });
    expect(data.accounts.map((a: { userId: string }) => a.userId)).toContain(TEAMS_ID);
    expect(data.needsReported.length).toBeGreaterThan(0);
    expect(data.workPackages.deputy).toHaveLength(1);
    expect(data.auditLog.some((a: { action: string }) => a.action === "denied")).toBe(true);
    expect(data.messages.outbox).toHaveLength(1);
    expect((await run("person", "export", "nobody@example.org")).code).toBe(1);
  });

  it("leaves no name, e-mail or platform id in any table, and tells the coordinators (finding 3)", async () => {
    const lars = await personByEmail(db.store, "lars.andersson");
    const before = await everyTable();
    expect(Object.values(before).join("\n")).toContain(AAD);
    const result = await run("person", "erase", EMAIL);
    expect(result.code).toBe(0);
    const after = await everyTable();
    expect(Object.keys(after).length).toBeGreaterThanOrEqual(15);
    for (const [table, rows] of Object.entries(after)) {
      for (const needle of [NAME, EMAIL, TEAMS_ID, AAD, "1lars-personal-chat", plainText(NAME)]) {
        expect(rows.includes(needle), `${table} still holds ${needle}`).toBe(false);
      }
    }
    const wps = await db.store.db.workPackage.findMany({ where: { OR: [{ leadId: lars.id }, { deputyId: lars.id }] } });
    expect(wps).toEqual([]);
    const coordinators = await db.store.people.withRole("coordinator");
    const told = await db.store.db.outboxMessage.findMany({ where: { dedupeKey: { startsWith: "erase:" } } });
    expect(told.map((m) => m.target).sort()).toEqual(coordinators.map((c) => `person:${c.id}`).sort());
    expect(told[0]!.payload).toMatch(/WP\d \(deputy\)/);
    // Their needs stay, under the pseudonym.
    expect((await db.store.needs.reportedBy(lars.id)).every((n) => n.reporterName === `Erased person ${lars.id}`)).toBe(true);
  });
});
