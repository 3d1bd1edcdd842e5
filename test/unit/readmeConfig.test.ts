// The README's configuration table lists exactly the variables the config
// schema reads: a new setting cannot ship undocumented, nor a removed one stay.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES } from "../../src/config.ts";

const README = readFileSync(path.resolve(import.meta.dirname, "../../README.md"), "utf8");

/** The backticked names in the first column of the table under "## Configuration". */
function documentedVariables(): string[] {
  const section = README.split(/^## /m).find((s) => s.startsWith("Configuration\n"));
  if (!section) throw new Error("README.md has no Configuration section");
  const rows = section.split("\n").filter((line) => line.startsWith("| `"));
  return rows.flatMap((row) => [...row.split("|")[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
}

describe("README configuration table", () => {
  it("lists every variable the config schema reads, and no other", () => {
    const documented = documentedVariables();
    expect(documented.length).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
