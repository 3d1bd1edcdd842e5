// Applying organisation files to a real, seeded SQLite database: the diff, the
// dry run, idempotence, deactivation, export round trip, the CLI and start-up.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli.ts";
import { loadConfig } from "../../src/config.ts";
import { exportOrganisation } from "../../src/domain/organisation.ts";
import { OrgFileError } from "../../src/domain/orgFile.ts";
import { describeChange } from "../../src/domain/orgModel.ts";
import { applyOrgFile } from "../../src/applyOrgFile.ts";
import { EXAMPLE_ORG_FILE } from "../../src/store/seed.ts";
import { createTestDb, personByEmail, type TestDb } from "../helpers/db.ts";
import { cardText, startTestServer } from "../helpers/server.ts";

let db: TestDb;
const config = loadConfig({ LOG_LEVEL: "silent" }, "/nonexistent/.env");
const example = readFileSync(EXAMPLE_ORG_FILE, "utf8");
/** Organisation files the tests write. */
const filesDir = mkdtempSync(path.join(tmpdir(), "samordna-org-"));

function write(name: string, text: string): string {
  const file = path.join(filesDir, name);
  writeFileSync(file, text);
  return file;
}

/** The example file with WP3's cadence changed, WP4 dropped, a new WP6 led by a new person, James no longer coordinator. */
function changedExample(): string {
  const wp4 = example.indexOf("  - code: WP4");
  const wp5 = example.indexOf("  - code: WP5");
  return (example.slice(0, wp4) + example.slice(wp5))
    .replace(/(code: WP3[\s\S]*?cadence: )"0 9 \* \* 1 every 2 weeks from 2026-01-05"/, '$1"30 8 * * 3"')
    .replace("  - james.carter@stockholm.example\n", "")
    .replace(
      "# Innovation processes under way.",
      `  - code: WP6
    name: Data och AI
    lead: nora.haddad@stockholm.example
    cadence: "0 10 1 * *"

# Innovation processes under way.`,
    )
    .replace("people:\n", "people:\n  - { email: Nora.Haddad@stockholm.example, name: Nora Haddad, locale: en, department: MF }\n")
    .replace("digest:\n  channels: []", "digest:\n  channels:\n    - teams: \"19:abc@thread.tacv2\"\n    - slack: C0123ABCD\nreminders: { afterWorkingDays: 2, max: 3 }");
}

beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await db.cleanup();
});

describe("org apply", () => {
  it("the seeded demo already matches the example file: applying it changes nothing", async () => {
    expect(await applyOrgFile(db.store, config, EXAMPLE_ORG_FILE)).toEqual([]);
  });

  it("a dry run shows what would be added, changed and deactivated, and changes nothing", async () => {
    const file = write("org.yaml", changedExample());
    const before = await exportOrganisation(db.store, { timezone: config.timezone });
    const changes = await applyOrgFile(db.store, config, file, { dryRun: true });
    expect(changes.map(describeChange)).toEqual([
      '+ person nora.haddad@stockholm.example: name Nora Haddad; locale en; department MF; roles ["lead"]',
      "~ person james.carter@stockholm.example: roles [\"coordinator\"] → []",
      "~ person oskar.karlsson@stockholm.example: roles [\"lead\"] → []",
      "~ workPackage WP3: cadence 0 9 * * 1 every 2 weeks from 2026-01-05 → 30 8 * * 3",
      "+ workPackage WP6: name Data och AI; lead nora.haddad@stockholm.example; cadence 0 10 1 * *; timezone Europe/Stockholm",
      "- workPackage WP4 (deactivated)",
      "~ setting digest.channels: [] → [\"teams:19:abc@thread.tacv2\",\"slack:C0123ABCD\"]",
      "+ setting reminders.afterWorkingDays: 2",
      "+ setting reminders.max: 3",
    ]);
    expect(await exportOrganisation(db.store, { timezone: config.timezone })).toBe(before);
    expect(await db.store.people.byEmail("nora.haddad@stockholm.example")).toBeNull();
  });

  it("applies in one go; the same file again changes nothing; the export applies as no change", async () => {
    const file = write("org.yaml", changedExample());
    expect((await applyOrgFile(db.store, config, file)).length).toBe(9);
    expect(await applyOrgFile(db.store, config, file)).toEqual([]);

    const nora = (await db.store.people.byEmail("NORA.HADDAD@stockholm.example"))!;
    expect(nora).toMatchObject({ displayName: "Nora Haddad", locale: "en", roles: ["employee", "lead"] });
    const wp6 = (await db.store.workPackages.byCode("WP6"))!;
    expect(wp6).toMatchObject({ leadId: nora.id, cadence: "0 10 1 * *", timezone: "Europe/Stockholm", active: true });
    expect((await db.store.workPackages.byCode("WP4"))!.active).toBe(false);
    expect((await db.store.workPackages.byCode("WP3"))!.cadence).toBe("30 8 * * 3");
    expect((await personByEmail(db.store, "james.carter")).roles).toEqual(["employee"]);
    expect((await personByEmail(db.store, "oskar.karlsson")).roles).toEqual(["employee"]);
    expect(await db.store.settings.get("digest.channels")).toEqual(["teams:19:abc@thread.tacv2", "slack:C0123ABCD"]);
    expect(await db.store.settings.get("statusPings.maxReminders")).toBe(3);
    const audit = await db.store.audit.forSubject("organisation");
    expect(audit.at(-1)).toMatchObject({ action: "org.apply" });
    expect(JSON.parse(audit.at(-1)!.after!)).toContain("- workPackage WP4 (deactivated)");

    const exported = write("export.yaml", await exportOrganisation(db.store, { timezone: config.timezone }));
    expect(readFileSync(exported, "utf8")).toContain("code: WP6");
    expect(await applyOrgFile(db.store, config, exported)).toEqual([]);
    // The original example brings everything back.
    const back = (await applyOrgFile(db.store, config, EXAMPLE_ORG_FILE)).map(describeChange);
    expect(back).toContain("~ workPackage WP4: active false → true");
    expect(back).toContain("- workPackage WP6 (deactivated)");
  });

  it("links a person created from the file when they first write from a chat platform", async () => {
    await applyOrgFile(db.store, config, write("org.yaml", changedExample()));
    const nora = (await db.store.people.byEmail("nora.haddad@stockholm.example"))!;
    const fromSlack = await db.store.people.ensureFromAccount(
      { platform: "slack", tenantId: "T1", userId: "U42", displayName: "nora", email: "Nora.Haddad@Stockholm.example" },
      { locale: "sv" },
    );
    expect(fromSlack.id).toBe(nora.id);
    expect(fromSlack.roles).toEqual(["employee", "lead"]);
  });

  it("deactivating a work package closes its open status requests and tells the people asked", async () => {
    const wp4 = (await db.store.workPackages.byCode("WP4"))!;
    const oskar = await personByEmail(db.store, "oskar.karlsson");
    const open = await db.store.db.statusRequest.create({
      data: { subjectKey: `wp:${wp4.id}`, periodKey: "2026-W48", workPackageId: wp4.id, recipientId: oskar.id, dueAt: new Date("2026-11-27T15:00:00Z") },
    });
    const answered = await db.store.db.statusRequest.create({
      data: { subjectKey: `wp:${wp4.id}`, periodKey: "2026-W47", workPackageId: wp4.id, recipientId: oskar.id, dueAt: new Date("2026-11-20T15:00:00Z"), answeredAt: new Date("2026-11-19T10:00:00Z") },
    });
    const now = new Date("2026-11-27T16:00:00Z");
    await applyOrgFile(db.store, config, write("org.yaml", changedExample()), { now });

    expect((await db.store.db.statusRequest.findUniqueOrThrow({ where: { id: open.id } })).closedAt).toEqual(now);
    expect((await db.store.db.statusRequest.findUniqueOrThrow({ where: { id: answered.id } })).closedAt).toBeNull();
    const messages = await db.store.db.outboxMessage.findMany({ where: { target: `person:${oskar.id}` } });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ kind: "notification", dedupeKey: `status-request-closed:${open.id}:person:${oskar.id}` });
    expect(cardText(JSON.parse(messages[0].payload))).toContain("Arbetspaket WP4 (Strategisk kommunikation) är inte längre aktivt");
  });

  it("a file naming someone who is nobody changes nothing and names the place", async () => {
    const before = await exportOrganisation(db.store, { timezone: config.timezone });
    const bad = changedExample().replace("lead: oskar.karlsson@stockholm.example", "").replace("lead: sara.nilsson@stockholm.example", "lead: ghost@stockholm.example");
    const file = write("bad.yaml", bad);
    const err = await applyOrgFile(db.store, config, file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrgFileError);
    const line = bad.split("\n").findIndex((l) => l.includes("ghost@")) + 1;
    expect((err as OrgFileError).issues).toEqual([
      { line, path: ["workPackages", 2, "lead"], message: "ghost@stockholm.example is not a person of the organisation (add them under people)" },
    ]);
    expect(await exportOrganisation(db.store, { timezone: config.timezone })).toBe(before);
    // A lead known only to the database (an employee who talked to the bot) is fine.
    const ok = changedExample().replace("lead: sara.nilsson@stockholm.example", "lead: karin.ek@stockholm.example");
    const changes = (await applyOrgFile(db.store, config, write("ok.yaml", ok), { dryRun: true })).map(describeChange);
    expect(changes).toContain('~ person karin.ek@stockholm.example: roles [] → ["lead"]');
  });
});

describe("org commands and start-up", () => {
  it("org apply --dry-run, org apply and org export through the CLI", async () => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = db.url;
    try {
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
      const file = write("org.yaml", changedExample());
      expect(await runCli(["org", "apply", file, "--dry-run"], io)).toBe(0);
      expect(out.at(-1)).toBe("Dry run: 4 added, 4 changed, 1 deactivated; nothing was changed.");
      expect(await runCli(["org", "apply", file], io)).toBe(0);
      expect(out.at(-1)).toBe("Applied: 4 added, 4 changed, 1 deactivated.");
      expect(await runCli(["org", "apply", file], io)).toBe(0);
      expect(out.at(-1)).toBe("No changes: the organisation already matches the file.");
      expect(await runCli(["org", "export"], io)).toBe(0);
      expect(out.at(-1)).toMatch(/^# Samordna organisation file[\s\S]*code: WP6[\s\S]*- slack: C0123ABCD/);

      expect(await runCli(["org", "apply", write("bad.yaml", "version: 2\n")], io)).toBe(1);
      expect(err.at(-1)).toContain("bad.yaml:1: version:");
      expect(await runCli(["org", "apply", path.join(filesDir, "missing.yaml")], io)).toBe(1);
      expect(err.at(-1)).toContain("cannot read the file (ENOENT)");
      expect(await runCli(["org", "apply"], io)).toBe(2);
    } finally {
      process.env.DATABASE_URL = previous;
    }
  });

  it("ORG_FILE is applied at start, and a bad one stops the start with the errors", async () => {
    const good = write("org.yaml", changedExample());
    const server = await startTestServer({ ORG_FILE: good });
    try {
      const people = (await (await fetch(`${server.url}/web/api/people`)).json()) as { displayName: string }[];
      expect(people.map((p) => p.displayName)).toContain("Nora Haddad");
    } finally {
      await server.cleanup();
    }
    const bad = write("bad.yaml", example.replace('cadence: "0 9 * * 1 every 2 weeks from 2026-01-05"', 'cadence: "0 9 * * 8"'));
    await expect(startTestServer({ ORG_FILE: bad })).rejects.toThrow(/bad\.yaml:\d+: workPackages\[0\]\.cadence/);
  });
});
