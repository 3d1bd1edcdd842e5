import { describe, expect, it } from "vitest";
import { analyse, detectLanguage, isStopword, splitCompound, stem, wordnetSynonyms } from "../../src/domain/textAnalysis.ts";

describe("text analysis", () => {
  it("reduces Swedish inflections to one stem, definite forms included", () => {
    expect(new Set(["förskola", "förskolor", "förskolorna", "förskolan"].map((w) => stem(w, "sv")))).toEqual(new Set(["förskol"]));
    expect(stem("platserna", "sv")).toBe(stem("platser", "sv"));
    expect(stem("stadshuset", "sv")).toBe(stem("stadshus", "sv"));
    expect(stem("äldreboenden", "sv")).toBe(stem("äldreboende", "sv"));
  });

  it("reduces English inflections to one stem", () => {
    expect(stem("libraries", "en")).toBe(stem("library", "en"));
    expect(stem("procurement", "en")).toBe(stem("procuring", "en"));
    expect(stem("schools", "en")).toBe("school");
  });

  it("drops common words of each language, and the words every need uses", () => {
    expect(analyse("Vi behöver att det finns en förskola", "sv").words).toEqual(["förskol"]);
    expect(analyse("We need the libraries in the evenings", "en").words).toEqual(["librari", "even"]);
    expect(isStopword("och", "sv")).toBe(true);
    expect(isStopword("the", "en")).toBe(true);
    // Kept though generic lists drop them: they carry the substance of many needs.
    expect(isStopword("system", "en")).toBe(false);
    expect(analyse("IT-systemet i hemtjänsten", "sv").words).toEqual(["it", "system", "hemtjänst"]);
  });

  it("detects the language from its common words, and says so when unsure", () => {
    expect(detectLanguage("Barnen på förskolan har inte tillgång till läxhjälp och det är ett problem")).toBe("sv");
    expect(detectLanguage("The children at the preschool do not have access to homework help")).toBe("en");
    expect(detectLanguage("Wifi stadshuset")).toBeNull();
  });

  it("analyses in both languages when unsure, and in the one given when told", () => {
    const both = analyse("parkering libraries");
    expect(both.lang).toBeNull();
    expect(both.words).toEqual(expect.arrayContaining([stem("libraries", "en"), stem("parkering", "sv")]));
    expect(analyse("libraries", "en").words).toEqual(["librari"]);
  });

  it("gives n-grams of long words, so a compound meets its parts written apart", () => {
    const joined = new Set(analyse("parkeringsplatser", "sv").grams);
    const apart = analyse("platser att parkera på", "sv").grams;
    const shared = apart.filter((g) => joined.has(g));
    expect(shared).toEqual(expect.arrayContaining(["park", "plat"]));
    expect(shared.length).toBeGreaterThanOrEqual(4);
    expect(analyse("bil", "sv").grams).toEqual([]);
    expect(analyse("parkeringsplatser", "sv", { gramSize: 0 }).grams).toEqual([]);
  });

  it("splits Swedish compounds against a word list (the measured alternative to n-grams)", () => {
    const words = new Set(["parkering", "platser", "plats", "skol", "uppgifter", "förskola", "gård", "gårdar", "hem", "tjänst"]);
    expect(splitCompound("parkeringsplatser", words)).toEqual(["parkering", "platser"]);
    expect(splitCompound("skoluppgifterna", words)).toEqual(["skol", "uppgifterna"]);
    expect(splitCompound("hemtjänst", words)).toEqual(["hem", "tjänst"]);
    expect(splitCompound("platser", words)).toEqual([]);
    const parts = analyse("parkeringsplatser", "sv", { gramSize: 0, lexicon: words });
    expect(parts.words).toEqual([stem("parkeringsplatser", "sv"), stem("parkering", "sv"), stem("platser", "sv")]);
    expect(parts.grams).toEqual([]);
  });

  it("maps synonyms onto one concept across languages when asked", () => {
    const sv = analyse("förskolan", "sv", { synonyms: true }).words;
    const en = analyse("nursery", "en", { synonyms: true }).words;
    expect(sv).toContain("~preschool");
    expect(en).toContain("~preschool");
    expect(analyse("förskolan", "sv").words).not.toContain("~preschool");
  });

  it("adds an English word's WordNet synonyms (first sense) when asked, and leaves Swedish alone", () => {
    expect(wordnetSynonyms(stem("repair", "en"))).toEqual(expect.arrayContaining([stem("fix", "en"), stem("mend", "en")]));
    expect(wordnetSynonyms(stem("cars", "en"))).toContain(stem("automobile", "en"));
    const repaired = analyse("Repair the lifts", "en", { wordnet: true }).words;
    expect(repaired).toEqual(expect.arrayContaining([stem("repair", "en"), stem("mend", "en"), stem("lifts", "en"), stem("elevator", "en")]));
    // Off by default (measured, not kept: docs/PERFORMANCE.md), and English only.
    expect(analyse("Repair the lifts", "en").words).toEqual([stem("repair", "en"), stem("lifts", "en")]);
    expect(analyse("Laga hissarna som är trasiga", "sv", { wordnet: true }).words).toEqual(analyse("Laga hissarna som är trasiga", "sv").words);
  });
});
