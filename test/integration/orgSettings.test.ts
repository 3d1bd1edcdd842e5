// Every settings section of the example organisation file, applied, changes
// the rule that uses it (not only a stored key): reminders, triage target,
// digest channels.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { applyOrgFile } from "../../src/applyOrgFile.ts";
import { EXAMPLE_ORG_FILE } from "../../src/store/seed.ts";
import { createTestDb, type TestDb } from "../helpers/db.ts";
import { clockedApp, onlyPing, requestRows, type ClockedApp } from "../helpers/jobs.ts";

let db: TestDb;
let t: ClockedApp;
const config = loadConfig({ LOG_LEVEL: "silent" }, "/nonexistent/.env");
const dir = mkdtempSync(path.join(tmpdir(), "samordna-org-settings-"));

/** The example file with its settings sections filled in and its commented ones switched on, each away from its default. */
function exampleWithSettings(): string {
  const example = readFileSync(EXAMPLE_ORG_FILE, "utf8");
  const sections = ["digest:", "# triage:", "# reminders:"];
  for (const s of sections) expect(example, `the example file has a ${s} section`).toContain(s);
  const text = example
    .replace("digest:\n  channels: []", 'digest:\n  channels:\n    - teams: "19:coordinators@thread.tacv2"\n    - slack: C0123ABCD')
    .replace(/# triage:\n#   targetWorkingDays: \d+/, "triage:\n  targetWorkingDays: 3")
    .replace(/# reminders:\n#   afterWorkingDays: \d+\n#   max: \d+/, "reminders:\n  afterWorkingDays: 5\n  max: 0");
  const file = path.join(dir, "org.yaml");
  writeFileSync(file, text);
  return file;
}

beforeEach(async () => {
  db = await createTestDb();
  t = clockedApp(db);
});
afterEach(async () => {
  await db.cleanup();
});

it("reminders: the due date and the number of reminders follow the file", async () => {
  await applyOrgFile(db.store, config, exampleWithSettings(), { now: new Date("2026-03-29T00:00:00Z") });
  await onlyPing(db.store, ["WP4"], "0 9 * * 1");
  await t.tick("status-pings", "2026-03-30T07:00:00Z");
  const [request] = await requestRows(db.store);
  // Five working days after Monday 30 March 2026, skipping Good Friday and Easter Monday (the default is two: 1 April).
  expect(request!.dueAt.toISOString()).toBe("2026-04-08T07:00:00.000Z");
  // max 0: no reminder, the first overdue tick escalates.
  expect(await t.tick("reminders", "2026-04-09T07:00:00Z")).toBe("sent 0 reminder(s), 1 escalation(s)");
});

it("triage: the target the digest measures the queue against follows the file", async () => {
  await applyOrgFile(db.store, config, exampleWithSettings());
  const now = new Date("2026-03-30T12:00:00Z");
  const digest = await t.app.digests.build({ from: new Date("2026-03-23T12:00:00Z"), to: now, key: "test" });
  expect(digest.waiting.targetDays).toBe(3);
});

it("digest: the configured channels get the digest", async () => {
  await applyOrgFile(db.store, config, exampleWithSettings());
  const keys = (await t.app.digests.recipients()).map((r) => r.key);
  expect(keys).toEqual(expect.arrayContaining(["teams:19:coordinators@thread.tacv2", "slack:C0123ABCD"]));
});
