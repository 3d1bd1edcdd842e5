// The organisation file's validation: every kind of bad input gets its line and field.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OrgFileError, parseOrgFile, unknownPeople, type OrgFileIssue } from "../../src/domain/orgFile.ts";
import { EXAMPLE_ORG_FILE } from "../../src/store/seed.ts";

const parse = (text: string) => parseOrgFile(text, "org.yaml", { defaultTimezone: "Europe/Stockholm" });

function issuesOf(text: string): OrgFileIssue[] {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof OrgFileError) return err.issues;
    throw err;
  }
  throw new Error("expected the file to be refused");
}

const base = `version: 1
departments:
  - { code: SLK, name: Stadsledningskontoret }
people:
  - { email: anna@city.example, name: Anna, department: SLK }
  - { email: bo@city.example, name: Bo }
workPackages:
  - code: WP1
    name: Styrning
    lead: anna@city.example
    deputy: bo@city.example
    cadence: "0 9 * * 1"
`;

describe("organisation file validation", () => {
  it("accepts the shipped example file", () => {
    const parsed = parse(readFileSync(EXAMPLE_ORG_FILE, "utf8"));
    expect(parsed.org.workPackages.map((w) => w.code)).toEqual(["WP1", "WP2", "WP3", "WP4", "WP5"]);
    expect(parsed.org.workPackages.every((w) => w.cadence === "0 9 * * 1 every 2 weeks from 2026-01-05")).toBe(true);
    expect(parsed.org.coordinators).toContain("erik.johansson@stockholm.example");
  });

  it("accepts a small valid file and normalises e-mails", () => {
    const parsed = parse(base.replace("lead: anna@city.example", "lead: Anna@City.example"));
    expect(parsed.org.workPackages[0].lead).toBe("anna@city.example");
    expect(parsed.org.workPackages[0].active).toBe(true);
  });

  it("names unknown keys (strict) with their line", () => {
    const issues = issuesOf(`${base}    colour: blue\nmanager: x\n`);
    expect(issues).toEqual([
      { line: 13, path: ["workPackages", 0, "colour"], message: "unknown key" },
      { line: 14, path: ["manager"], message: "unknown key" },
    ]);
  });

  it("refuses a bad cron expression: wrong field count, value out of range, six fields", () => {
    expect(issuesOf(base.replace('"0 9 * * 1"', '"0 9 * *"'))).toEqual([
      { line: 12, path: ["workPackages", 0, "cadence"], message: expect.stringContaining("expected five cron fields") },
    ]);
    expect(issuesOf(base.replace('"0 9 * * 1"', '"61 9 * * 1"'))[0]).toMatchObject({
      line: 12,
      path: ["workPackages", 0, "cadence"],
      message: expect.stringMatching(/61 9.*range 0-59/),
    });
    expect(issuesOf(base.replace('"0 9 * * 1"', '"0 0 9 * * 1"'))[0].message).toContain("five cron fields");
    expect(issuesOf(base.replace('"0 9 * * 1"', '"every monday"'))[0].path).toEqual(["workPackages", 0, "cadence"]);
    // Issue 17: a ping every minute (a new period each time) is refused; at most one a day.
    expect(issuesOf(base.replace('"0 9 * * 1"', '"* * * * *"'))[0]).toMatchObject({ path: ["workPackages", 0, "cadence"], message: expect.stringContaining("at most one ping a day") });
  });

  it("refuses an e-mail that names two people, also as a case variant", () => {
    const issues = issuesOf(base.replace("bo@city.example, name: Bo", "ANNA@city.example, name: Anna Two"));
    expect(issues).toEqual([{ line: 6, path: ["people", 1, "email"], message: 'e-mail "anna@city.example" is already used by people[0] (line 5)' }]);
  });

  it("refuses a deputy who is the lead (a stand-in cycle)", () => {
    const issues = issuesOf(base.replace("deputy: bo@city.example", "deputy: anna@city.example"));
    expect(issues).toEqual([{ line: 11, path: ["workPackages", 0, "deputy"], message: "anna@city.example is the lead of WP1 and cannot be its own deputy" }]);
  });

  it("names a lead who is neither in people nor in the database", () => {
    const parsed = parse(base.replace("lead: anna@city.example", "lead: carl@city.example"));
    expect(unknownPeople(parsed, new Set())).toEqual([
      { line: 10, path: ["workPackages", 0, "lead"], message: "carl@city.example is not a person of the organisation (add them under people)" },
    ]);
    expect(unknownPeople(parsed, new Set(["carl@city.example"]))).toEqual([]);
  });

  it("refuses unknown departments and work packages, bad values and duplicate codes, all at once", () => {
    const issues = issuesOf(`${base}  - { code: wp1, name: Again, cadence: "0 9 * * 1" }
initiatives:
  - { code: I-1, title: X, stage: dreaming, workPackage: WP9 }
  - { code: I-2, title: Y, workPackage: WP9 }
reminders: { afterWorkingDays: 0, max: 3 }
digest:
  channels:
    - { slack: not-a-channel }
    - { teams: "19:a@thread.tacv2", slack: C0123ABCD }
`.replace("department: SLK", "department: XX"));
    const where = issues.map((i) => `${i.line} ${i.path.join(".")}`);
    expect(where).toEqual([
      "15 initiatives.0.stage",
      "17 reminders.afterWorkingDays",
      "20 digest.channels.0.slack",
      "21 digest.channels.1",
    ]);
    // Cross-entry rules run once the shapes are right.
    const second = issuesOf(`${base}  - { code: wp1, name: Again, cadence: "0 9 * * 1" }
initiatives:
  - { code: I-2, title: Y, workPackage: WP9 }
`.replace("department: SLK", "department: XX"));
    expect(second.map((i) => `${i.line} ${i.path.join(".")}: ${i.message}`)).toEqual([
      '5 people.0.department: department "XX" is not in departments',
      '13 workPackages.1.code: work package code "wp1" is already used by workPackages[0] (line 8)',
      '15 initiatives.0.workPackage: work package "WP9" is not in workPackages',
    ]);
  });

  it("reports YAML syntax errors with their line and a missing version", () => {
    expect(issuesOf("version: 1\npeople:\n  - email: a@b.se\n    email: c@d.se\n")[0]).toMatchObject({ line: 4, message: expect.stringContaining("unique") });
    expect(issuesOf("people: []\n")).toEqual([{ line: 1, path: ["version"], message: expect.stringContaining("1") }]);
  });

  it("formats every problem as file:line: field: message", () => {
    try {
      parse(base.replace('"0 9 * * 1"', '"0 25 * * 1"'));
      throw new Error("not refused");
    } catch (err) {
      expect((err as Error).message).toMatch(/^org\.yaml: 1 problem\(s\), nothing applied:\n {2}org\.yaml:12: workPackages\[0\]\.cadence: "0 25 \* \* 1": .*expected range 0-23/);
    }
  });
});
