// A work package's deputy, named in chat, by the admin card or by the
// organisation file, is one change: the lead role follows, the same audit
// subject records it, and the people concerned are told.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { applyOrgFile } from "../../src/applyOrgFile.ts";
import { EXAMPLE_ORG_FILE } from "../../src/store/seed.ts";
import { createTestDb, personByEmail, type TestDb } from "../helpers/db.ts";
import { clockedApp, type ClockedApp } from "../helpers/jobs.ts";
import { cardText } from "../helpers/server.ts";

let db: TestDb;
let t: ClockedApp;
beforeEach(async () => {
  db = await createTestDb();
  t = clockedApp(db);
  t.setNow("2026-03-27T10:00:00Z");
});
afterEach(async () => {
  await db.cleanup();
});

const person = (key: string) => personByEmail(db.store, key);
async function notices(personId: number): Promise<string[]> {
  const rows = await db.store.db.outboxMessage.findMany({ where: { target: `person:${personId}`, kind: "notification" }, orderBy: { id: "asc" } });
  return rows.map((r) => cardText(JSON.parse(r.payload)));
}
const deputyAudit = async (code: string) =>
  (await db.store.audit.forSubject(`workPackage:${code}`)).map((a) => ({ action: a.action, before: JSON.parse(a.before!), after: JSON.parse(a.after!) }));

it("a lead naming a deputy in chat gives the deputy the lead role, audits it on the work package and tells the deputy", async () => {
  const [sara, karin] = await Promise.all([person("sara.nilsson"), person("karin.ek")]);
  expect(karin.roles).toEqual(["employee"]);

  expect(cardText((await t.say(sara.id, "ställföreträdare karin.ek@stockholm.example")).cards[0])).toContain("Karin Ek är nu ställföreträdare för WP3");
  expect((await person("karin.ek")).roles).toEqual(["employee", "lead"]);
  expect(await deputyAudit("WP3")).toEqual([{ action: "workPackage.change", before: { deputyId: null }, after: { deputyId: karin.id } }]);
  expect(await notices(karin.id)).toEqual([expect.stringContaining("Du är nu ersättare för arbetspaket WP3")]);

  // Cleared again: the role goes, she is told, a second clear changes nothing.
  await t.say(sara.id, "deputy none");
  await t.say(sara.id, "deputy none");
  expect((await person("karin.ek")).roles).toEqual(["employee"]);
  expect(await deputyAudit("WP3")).toHaveLength(2);
  expect(await notices(karin.id)).toEqual([expect.stringContaining("Du är nu ersättare"), expect.stringContaining("Du är inte längre ersättare för arbetspaket WP3")]);
});

it("the organisation file naming a deputy is the same change", async () => {
  const karin = await person("karin.ek");
  const dir = mkdtempSync(path.join(tmpdir(), "samordna-wp-"));
  const file = path.join(dir, "org.yaml");
  const example = readFileSync(EXAMPLE_ORG_FILE, "utf8");
  writeFileSync(
    file,
    example
      .replace("    lead: sara.nilsson@stockholm.example\n    cadence", "    lead: sara.nilsson@stockholm.example\n    deputy: karin.ek@stockholm.example\n    cadence")
      .replace("people:\n", "people:\n  - { email: karin.ek@stockholm.example, name: Karin Ek, department: ALF }\n"),
  );
  await applyOrgFile(db.store, loadConfig({ LOG_LEVEL: "silent" }, "/nonexistent/.env"), file);
  expect((await person("karin.ek")).roles).toEqual(["employee", "lead"]);
  expect(await deputyAudit("WP3")).toEqual([{ action: "workPackage.change", before: { deputyId: null }, after: { deputyId: karin.id } }]);
  expect(await notices(karin.id)).toEqual([expect.stringContaining("Du är nu ersättare för arbetspaket WP3")]);
});
