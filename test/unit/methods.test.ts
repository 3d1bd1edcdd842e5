// The catalogue of methods: the organisation file's `methods:` section (its
// checks, diff and export), the search, and the rules of a chat edit.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/errors.ts";
import { isHttpsUrl, parseMethodEdit, searchMethods, type Method } from "../../src/domain/methods.ts";
import { OrgFileError, parseOrgFile } from "../../src/domain/orgFile.ts";
import { desiredModel, diffModels, exportModel, type OrgModel } from "../../src/domain/orgModel.ts";
import { EXAMPLE_ORG_FILE } from "../../src/store/seed.ts";
import { sampleMethod } from "../fixtures/cards.ts";

const defaults = { timezone: "Europe/Stockholm", locale: "sv" as const };
const parse = (text: string) => parseOrgFile(text, "org.yaml", { defaultTimezone: defaults.timezone });
const empty: OrgModel = { departments: [], people: [], workPackages: [], initiatives: [], methods: [], settings: {} };

const base = `version: 1
people: [{ email: sara@city.example, name: Sara }]
workPackages: [{ code: WP3, name: Verktyg och metoder, lead: sara@city.example }]
`;

function problems(text: string): string[] {
  try {
    parse(text);
    return [];
  } catch (err) {
    if (!(err instanceof OrgFileError)) throw err;
    return err.issues.map((i) => `${i.line}: ${i.path.join(".")}: ${i.message}`);
  }
}

describe("methods in the organisation file", () => {
  it("names the line and field of a link that is not https, an unknown work package, effort and a repeated code", () => {
    const text = `${base}methods:
  - code: td
    name: Tjänstedesign
    links: [http://example.org/td, "javascript:alert(1)"]
    effort: huge
    workPackage: WP9
  - code: TD
    name: Igen
`;
    expect(problems(text)).toEqual([
      "7: methods.0.links.0: must be an https URL",
      "7: methods.0.links.1: must be an https URL",
      "8: methods.0.effort: Invalid option: expected one of \"low\"|\"medium\"|\"high\"",
    ]);
    const consistent = text.replace(/ {4}links: .*\n/, "").replace("effort: huge", "effort: low");
    expect(problems(consistent)).toEqual([
      '8: methods.0.workPackage: work package "WP9" is not in workPackages',
      `9: methods.1.code: method code "TD" is already used by methods[0] (line 5)`,
    ]);
  });

  it("adds, changes and deactivates methods, and exports them so the export applies to no change", () => {
    const text = `${base}methods:
  - code: td
    name: Tjänstedesign
    nameEn: Service design
    goodFor: När en tjänst ska förnyas
    effort: low
    contact: sara@city.example
    links: [https://example.org/td]
    tags: [Användare, prototyp, prototyp]
    sustainability: [social]
    workPackage: WP3
`;
    const current: OrgModel = { ...empty, methods: [{ ...desiredModel(parse(text).org, empty, defaults).methods[0], code: "old", name: "Gammal" }] };
    const desired = desiredModel(parse(text).org, current, defaults);
    expect(desired.methods.map((m) => [m.code, m.active])).toEqual([
      ["td", true],
      ["old", false],
    ]);
    expect(desired.methods[0]).toMatchObject({ tags: ["användare", "prototyp"], contact: "sara@city.example", workPackage: "WP3", effort: "low" });
    const changes = diffModels(current, desired).filter((c) => c.entity === "method");
    expect(changes.map((c) => [c.kind, c.key])).toEqual([
      ["added", "td"],
      ["deactivated", "old"],
    ]);

    const exported = exportModel(desired, { timezone: defaults.timezone });
    expect(exported).toContain("methods:");
    const again = desiredModel(parse(exported).org, desired, defaults);
    expect(diffModels(desired, again)).toEqual([]);
  });

  it("the example file's methods are valid, in Swedish and English", () => {
    const { org } = parseOrgFile(readFileSync(EXAMPLE_ORG_FILE, "utf8"), EXAMPLE_ORG_FILE, { defaultTimezone: defaults.timezone });
    expect(org.methods.map((m) => m.nameEn)).toEqual(["Service design", "Innovation procurement", "Test bed", "Design thinking workshop", "Benefit realisation"]);
    expect(org.methods.every((m) => m.name && m.description && m.descriptionEn && m.goodFor && m.goodForEn)).toBe(true);
  });
});

describe("finding methods", () => {
  const methods: Method[] = [
    sampleMethod({ id: 1, code: "td", name: "Tjänstedesign", nameEn: "Service design", tags: ["användare"] }),
    sampleMethod({
      id: 2,
      code: "iu",
      name: "Innovationsupphandling",
      nameEn: "Innovation procurement",
      description: "Upphandla en funktion i stället för en produkt.",
      descriptionEn: "Procure a function rather than a product.",
      goodFor: "När marknaden saknar lösning.",
      goodForEn: "When the market has no solution.",
      tags: ["upphandling"],
    }),
  ];

  it("matches Swedish and English words, and lists all by name without words", () => {
    expect(searchMethods(methods, "upphandling").map((m) => m.code)).toEqual(["iu"]);
    expect(searchMethods(methods, "innovation procurement").map((m) => m.code)).toEqual(["iu"]);
    expect(searchMethods(methods, "tjänstedesign")[0].code).toBe("td");
    expect(searchMethods(methods, "").map((m) => m.code)).toEqual(["iu", "td"]);
    expect(searchMethods(methods, "blockchain kvantdator")).toEqual([]);
  });
});

describe("a chat edit", () => {
  const valid = { name: " Tjänstedesign ", nameEn: "Service design", effort: "low", links: "https://example.org/a\n https://example.org/b,c ", tags: "Användare, prototyp" };

  it("reads the fields and lists", () => {
    expect(parseMethodEdit(valid)).toMatchObject({ name: "Tjänstedesign", effort: "low", links: ["https://example.org/a", "https://example.org/b,c"], tags: ["användare", "prototyp"] });
  });

  it("names every invalid field at once", () => {
    try {
      parseMethodEdit({ ...valid, name: "", effort: "huge", links: "https://ok.example\nhttp://plain.example", description: "x".repeat(2001) });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect(Object.keys((err as ValidationError).fields).sort()).toEqual(["description", "effort", "links", "name"]);
    }
  });

  it("takes only https links without credentials", () => {
    expect(isHttpsUrl("https://example.org/x")).toBe(true);
    for (const bad of ["http://example.org", "javascript:alert(1)", "https://user:pw@example.org", "ftp://x", "example.org"]) expect(isHttpsUrl(bad)).toBe(false);
  });
});
