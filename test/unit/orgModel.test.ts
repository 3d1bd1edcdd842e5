// The pure rules of applying a file: what the file manages, what it leaves alone.
import { describe, expect, it } from "vitest";
import { parseOrgFile } from "../../src/domain/orgFile.ts";
import { desiredModel, diffModels, exportModel, type OrgModel } from "../../src/domain/orgModel.ts";

const defaults = { timezone: "Europe/Stockholm", locale: "sv" as const };
const parse = (text: string) => parseOrgFile(text, "org.yaml", { defaultTimezone: defaults.timezone }).org;

const current: OrgModel = {
  departments: [{ code: "SLK", name: "Stadsledningskontoret", nameEn: null, active: true }],
  people: [
    { email: "anna@city.example", name: "Anna", locale: "en", department: "SLK", roles: ["lead", "coordinator"] },
    { email: "olle@city.example", name: "Olle", locale: "sv", department: null, roles: ["coordinator"] },
  ],
  workPackages: [
    { code: "WP1", name: "Styrning", description: "", lead: "anna@city.example", deputy: null, cadence: "0 9 * * 1", timezone: "Europe/Stockholm", active: true, pingsPaused: true },
  ],
  initiatives: [],
  settings: { "triage.targetWorkingDays": 5 },
};

const file = `version: 1
departments: [{ code: SLK, name: Stadsledningskontoret }]
people: [{ email: anna@city.example, name: Anna, locale: sv, department: SLK }]
coordinators: [anna@city.example]
workPackages:
  - { code: WP1, name: Styrning, lead: anna@city.example, cadence: "0  9 * * 1" }
`;

describe("desired model and diff", () => {
  it("leaves a person's own language, a pause set in chat and omitted settings alone", () => {
    const desired = desiredModel(parse(file), current, defaults);
    expect(desired.people.find((p) => p.email === "anna@city.example")!.locale).toBe("en");
    expect(desired.workPackages[0]).toMatchObject({ pingsPaused: true, cadence: "0 9 * * 1" });
    expect(desired.settings).toEqual({ "triage.targetWorkingDays": 5 });
    // Only Olle's coordinator role goes: he is not in the file's coordinators.
    expect(diffModels(current, desired)).toEqual([
      { kind: "changed", entity: "person", key: "olle@city.example", fields: [{ field: "roles", from: ["coordinator"], to: [] }] },
    ]);
  });

  it("an explicit pingsPaused, a dropped work package and its lead's role", () => {
    const desired = desiredModel(parse(file.replace('cadence: "0  9 * * 1" }', 'cadence: "0 9 * * 1", pingsPaused: false }')), current, defaults);
    expect(diffModels(current, desired).map((c) => `${c.kind} ${c.key}`)).toEqual(["changed olle@city.example", "changed WP1"]);
    const dropped = desiredModel(parse(file.replace(/workPackages:[\s\S]*$/, "")), current, defaults);
    expect(diffModels(current, dropped).map((c) => `${c.kind} ${c.entity} ${c.key} ${JSON.stringify(c.fields.map((f) => f.to))}`)).toEqual([
      'changed person anna@city.example [["coordinator"]]',
      'changed person olle@city.example [[]]',
      "deactivated workPackage WP1 [false]",
    ]);
  });

  it("exports a model that parses back to no change", () => {
    const text = exportModel(current, { timezone: "Europe/Stockholm" });
    expect(text).toContain("pingsPaused: true");
    const again = desiredModel(parse(text), current, defaults);
    expect(diffModels(current, again)).toEqual([]);
  });
});

describe("communicators", () => {
  it("grants the communicator role from the file and exports the list only when someone has it", () => {
    const desired = desiredModel(parse(`${file}communicators: [anna@city.example]\n`), current, defaults);
    expect(desired.people.find((p) => p.email === "anna@city.example")!.roles).toEqual(["lead", "coordinator", "communicator"]);
    expect(exportModel(desired, { timezone: defaults.timezone })).toMatch(/communicators:\n\s+- anna@city.example/);
    expect(exportModel(desiredModel(parse(file), current, defaults), { timezone: defaults.timezone })).not.toContain("communicators");
  });
});
