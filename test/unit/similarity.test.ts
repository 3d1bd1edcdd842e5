import { describe, expect, it } from "vitest";
import { findSimilar, SimilarityIndex } from "../../src/domain/similarity.ts";

const needs = [
  { id: 1, reference: "N-2026-0001", title: "Air quality sensor data is not shared with schools", problem: "Schools near busy roads cannot see air quality data." },
  { id: 2, reference: "N-2026-0002", title: "Schemaläggning av vikarier tar för lång tid", problem: "Rektorer ringer runt varje morgon för att hitta vikarier." },
  { id: 3, reference: "N-2026-0003", title: "Gatubelysning felanmälan", problem: "Felanmälningar om gatubelysning hamnar i tre system." },
];

describe("similar needs", () => {
  it("finds needs sharing the substance of the text, in Swedish and English", () => {
    expect(findSimilar(needs, "Sharing air quality data with schools").map((n) => n.id)).toEqual([1]);
    expect(findSimilar(needs, "Vikarier: schemaläggningen tar lång tid varje morgon").map((n) => n.id)).toEqual([2]);
    expect(findSimilar(needs, "felanmälningar av trasig gatubelysning").map((n) => n.id)).toEqual([3]);
  });

  it("ignores a single shared or common word", () => {
    expect(findSimilar(needs, "Bättre data för kollektivtrafiken och busslinjer i ytterstaden")).toEqual([]);
    expect(findSimilar(needs, "och att det som en")).toEqual([]);
    expect(findSimilar([], "anything")).toEqual([]);
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
    expect(index.size).toBe(2);
  });
});
