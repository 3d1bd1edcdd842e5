import { describe, expect, it } from "vitest";
import { findSimilar, SimilarityIndex } from "../../src/domain/similarity.ts";

const needs = [
  { id: 1, reference: "N-2026-0001", title: "Air quality sensor data is not shared with schools", problem: "Schools near busy roads cannot see air quality data." },
  { id: 2, reference: "N-2026-0002", title: "Schemaläggning av vikarier tar för lång tid", problem: "Rektorer ringer runt varje morgon för att hitta vikarier." },
  { id: 3, reference: "N-2026-0003", title: "Gatubelysning felanmälan", problem: "Felanmälningar om gatubelysning hamnar i tre system." },
  { id: 4, reference: "N-2026-0004", title: "Brist på parkeringsplatser vid vårdcentralen", problem: "Patienter med rörelsehinder hittar inga parkeringsplatser nära entrén." },
  { id: 5, reference: "N-2026-0005", title: "Förskolorna saknar system för närvaro", problem: "Varje förskola registrerar barnens närvaro på papper." },
];

describe("similar needs", () => {
  it("finds needs sharing the substance of the text, in Swedish and English", () => {
    expect(findSimilar(needs, "Sharing air quality data with schools").map((n) => n.id)).toEqual([1]);
    expect(findSimilar(needs, "Vikarier: schemaläggningen tar lång tid varje morgon").map((n) => n.id)).toEqual([2]);
    expect(findSimilar(needs, "felanmälningar av trasig gatubelysning").map((n) => n.id)).toEqual([3]);
  });

  it("finds a need told with other inflections and a compound written apart", () => {
    expect(findSimilar(needs, "Svårt att hitta platser att parkera på nära vårdcentralen")[0]?.id).toBe(4);
    expect(findSimilar(needs, "Närvaron i förskolan registreras på papper")[0]?.id).toBe(5);
  });

  it("ignores a single shared or common word", () => {
    expect(findSimilar(needs, "Bättre data för kollektivtrafiken och busslinjer i ytterstaden")).toEqual([]);
    expect(findSimilar(needs, "och att det som en")).toEqual([]);
    expect(findSimilar([], "anything")).toEqual([]);
  });

  it("scores by a normalised similarity: the same text near 1 (its title counts double in the need), a part of it less", () => {
    const index = new SimilarityIndex();
    index.apply(needs.map((need) => ({ need, open: true })));
    const [same] = index.scored(`${needs[3].title}\n${needs[3].problem}`);
    expect(same.id).toBe(4);
    expect(same.score).toBeGreaterThan(0.9);
    expect(same.score).toBeLessThanOrEqual(1);
    expect(index.search("Hundrastgård i centrum")).toEqual([]);
    const partial = index.scored("parkering", { threshold: 0 });
    expect(partial[0].id).toBe(4);
    expect(partial[0].score).toBeLessThan(same.score / 2);
  });
});

describe("similarity index kept in step", () => {
  it("replaces changed needs and drops those no longer open", () => {
    const index = new SimilarityIndex();
    index.apply(needs.map((need) => ({ need, open: true })));
    expect(index.search("air quality sensors")).toEqual([1]);
    index.apply([{ need: { ...needs[0], title: "Noise measurements near schools", problem: "Noise data near schools is missing." }, open: true }]);
    expect(index.search("air quality sensors")).toEqual([]);
    expect(index.search("noise measurements near schools")).toEqual([1]);
    index.apply([{ need: needs[0], open: false }]);
    expect(index.search("noise measurements near schools")).toEqual([]);
    expect(index.size).toBe(4);
  });
});

describe("similarity index built in slices", () => {
  it("gives the event loop back while it builds, and then scores exactly as one apply", async () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ ...needs[i % needs.length]!, id: i + 1, reference: `N-${i + 1}` }));
    const whole = new SimilarityIndex();
    whole.apply(many.map((need) => ({ need, open: true })));
    const sliced = new SimilarityIndex();
    let turns = 0;
    let building = true;
    const count = () => {
      if (!building) return;
      turns++;
      setImmediate(count);
    };
    setImmediate(count);
    // A slice of 0 ms yields after every need: other callbacks run in between.
    await sliced.applyInSlices(
      many.map((need) => ({ need, open: true })),
      0,
    );
    building = false;
    expect(turns).toBeGreaterThan(100);
    expect(sliced.size).toBe(200);
    for (const text of ["air quality sensors near schools", "parkering vid vårdcentralen", "vikarier schemaläggning"]) {
      expect(sliced.scored(text, { limit: 10 })).toEqual(whole.scored(text, { limit: 10 }));
    }
  });
});

describe("a text of common words only", () => {
  it("finds needs holding them, the latest changed first among equals, rather than nothing", () => {
    // 100 needs that all speak of school transport, one of them also of snow clearing.
    const schoolNeeds = Array.from({ length: 100 }, (_, i) => ({
      id: i + 1,
      reference: `N-${i + 1}`,
      title: `School transport route ${i + 1}`,
      problem: i === 41 ? "The school transport is late when the snow clearing comes late." : "The school transport does not know about changed school times.",
    }));
    const index = new SimilarityIndex();
    index.apply(schoolNeeds.map((need) => ({ need, open: true })));
    const found = index.search("school transport", 500);
    expect(found.length).toBeGreaterThan(50);
    expect(found).toContain(100);
    // A rarer word still decides.
    expect(index.search("snow clearing for the school transport", 3)[0]).toBe(42);
  });
});

describe("BM25 scoring and relative decisions (measured variants)", () => {
  const index = (options: ConstructorParameters<typeof SimilarityIndex>[0]) => {
    const built = new SimilarityIndex(options);
    built.apply(needs.map((need) => ({ need, open: true })));
    return built;
  };

  it("BM25 over the text's score against itself: the same need near 1, a reworded one first, a part of it less", () => {
    const bm25 = index({ scoring: "bm25", titleWeight: 1, threshold: 0.2 });
    const [same] = bm25.scored(`${needs[3].title}\n${needs[3].problem}`);
    expect(same.id).toBe(4);
    expect(same.score).toBeGreaterThan(0.9);
    expect(same.score).toBeLessThanOrEqual(1);
    expect(bm25.search("Svårt att hitta platser att parkera på nära vårdcentralen")).toEqual([4]);
    expect(bm25.search("Air quality data for schools near busy roads")).toEqual([1]);
    expect(bm25.scored("parkering", { threshold: 0 })[0].score).toBeLessThan(same.score / 2);
    expect(bm25.search("Hundrastgård i centrum")).toEqual([]);
  });

  it("leaves out the need the text is of", () => {
    const text = `${needs[0].title}\n${needs[0].problem}`;
    expect(index({}).search(text, 3)).toContain(1);
    expect(index({}).search(text, 3, { exclude: 1 })).not.toContain(1);
    expect(index({ scoring: "bm25" }).search(text, 3, { exclude: 1 })).not.toContain(1);
  });

  it("a relative decision suggests a need that stands out from the others the text resembles, and none when none does", () => {
    // Many needs on one subject (school meals), one of them the same need as the text.
    const subject = Array.from({ length: 12 }, (_, i) => ({
      id: 100 + i,
      reference: `N-${100 + i}`,
      title: `Skolmaten på skola ${i}`,
      problem: `Eleverna på skola ${i} tycker om maten men vill ha ${["fler sallader", "längre lunch", "mer fisk", "ny matsal"][i % 4]}.`,
    }));
    const twin = { id: 200, reference: "N-200", title: "Matsvinnet i skolköken är stort", problem: "Skolköken slänger mycket mat varje dag eftersom portionerna planeras utan att veta hur många elever som äter." };
    for (const decision of ["median", "zscore"] as const) {
      const relative = new SimilarityIndex({ decision, threshold: decision === "median" ? 3 : 2.5 });
      relative.apply([...subject, twin].map((need) => ({ need, open: true })));
      expect(relative.search("Skolköken kastar mat: för mycket matsvinn när portionerna inte följer hur många elever som äter")).toEqual([200]);
      // Every school-meal need alike: none stands out, so none is suggested.
      expect(relative.search("Skolmaten på skolorna")).toEqual([]);
    }
    // What the absolute cut-off says of the same text: each school-meal need is similar enough.
    const absolute = new SimilarityIndex();
    absolute.apply([...subject, twin].map((need) => ({ need, open: true })));
    expect(absolute.search("Skolmaten på skolorna")).toHaveLength(3);
  });
});
