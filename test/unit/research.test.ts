// The research export's rules: pseudonyms, names replaced in free text, coarsened dates.
import { describe, expect, it } from "vitest";
import { coarsenDate, createPseudonymiser, createScrubber } from "../../src/domain/research.ts";

const people = [
  { id: 1, displayName: "Lars Andersson", email: "lars.andersson@stockholm.example", departmentId: null, roles: [], userIds: ["U0LARS", "29:lars"] },
  { id: 2, displayName: "Lars", email: null, departmentId: null, roles: [], userIds: ["12"] },
  { id: 3, displayName: "Åsa Öberg", email: null, departmentId: null, roles: [], userIds: [] },
];

describe("research export rules", () => {
  it("makes stable keyed pseudonyms", () => {
    const a = createPseudonymiser("k".repeat(32));
    expect(a(1)).toMatch(/^P-[0-9a-f]{16}$/);
    expect(a(1)).toBe(createPseudonymiser("k".repeat(32))(1));
    expect(a(1)).not.toBe(a(2));
    expect(a(1)).not.toBe(createPseudonymiser("j".repeat(32))(1));
    expect(a(null)).toBeNull();
  });

  it("replaces whole names, e-mails and platform ids in any case, longest first, and nothing else", () => {
    const p = (id: number) => `<${id}>`;
    const scrub = createScrubber(people, p);
    expect(scrub("Ask LARS ANDERSSON (lars.andersson@stockholm.example) or U0LARS / 29:lars.")).toBe("Ask <1> (<1>) or <1> / <1>.");
    expect(scrub("Lars said; Larsson and Lars Anderssonska did not; ticket 12 stays")).toBe("<2> said; Larsson and <2> Anderssonska did not; ticket 12 stays");
    expect(scrub("åsa öberg and Åsa Öbergs")).toBe("<3> and Åsa Öbergs");
    expect(scrub(null)).toBeNull();
    expect(createScrubber([], p)("Lars")).toBe("Lars");
  });

  it("coarsens dates to the week's Monday or the month, in the zone", () => {
    const at = new Date("2026-03-01T23:30:00Z"); // Monday 2 March 00:30 in Stockholm
    expect(coarsenDate(at, null, "Europe/Stockholm")).toBe("2026-03-01T23:30:00.000Z");
    expect(coarsenDate(at, "week", "Europe/Stockholm")).toBe("2026-03-02");
    expect(coarsenDate(at, "month", "Europe/Stockholm")).toBe("2026-03");
    expect(coarsenDate(at, "month", "UTC")).toBe("2026-03");
    expect(coarsenDate(new Date("2026-02-28T23:30:00Z"), "month", "Europe/Stockholm")).toBe("2026-03");
    expect(coarsenDate(null, "week", "UTC")).toBeNull();
  });
});
