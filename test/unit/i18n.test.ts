import { describe, expect, it } from "vitest";
import { allCatalogues, t } from "../../src/i18n/index.ts";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("i18n catalogue", () => {
  it("has every key in Swedish and English with the same placeholders", () => {
    const { sv, en } = allCatalogues();
    expect(Object.keys(sv).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en)) {
      expect(placeholders(sv[key]), key).toEqual(placeholders(en[key]));
      expect(sv[key].trim(), key).not.toBe("");
    }
  });

  it("fills placeholders and fails loudly on a missing key", () => {
    expect(t("sv", "need.updated", { reference: "N-2026-0001" })).toBe("N-2026-0001 har uppdaterats.");
    expect(() => t("en", "no.such.key")).toThrow(/Missing i18n key/);
  });
});
