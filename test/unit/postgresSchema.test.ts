// PostgreSQL mode is generated from prisma/schema.prisma, never edited by hand:
// regenerate it into a temporary directory and compare with what is committed.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generatePostgresFiles, POSTGRES_DIR, postgresSchema, ROOT, writePostgresFiles } from "../../scripts/generatePostgres.ts";
import { onPostgres } from "../helpers/postgres.ts";

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = readFileSync(file, "utf8");
  }
  return out;
}

// Database-independent: checked once, in the SQLite pass.
describe.skipIf(onPostgres)("generated PostgreSQL schema", () => {
  it("is in sync with prisma/schema.prisma (if not: npm run db:postgres, and commit prisma/postgres)", () => {
    const out = mkdtempSync(path.join(tmpdir(), "samordna-pggen-"));
    try {
      writePostgresFiles(generatePostgresFiles(), out);
      const committed = tree(POSTGRES_DIR);
      const generated = tree(out);
      expect(Object.keys(committed).sort()).toEqual(Object.keys(generated).sort());
      for (const [file, text] of Object.entries(generated)) expect(committed[file], file).toBe(text);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it("changes only the provider and the client's folder", () => {
    const sqlite = readFileSync(path.join(ROOT, "prisma", "schema.prisma"), "utf8");
    const pg = postgresSchema(sqlite);
    const changed = pg.split("\n").filter((line) => !sqlite.split("\n").includes(line));
    expect(changed).toEqual([
      expect.stringMatching(/^\/\/ GENERATED .* Do not edit\.$/),
      expect.stringMatching(/output\s+= "\.\.\/\.\.\/src\/store\/generated-pg"/),
      expect.stringMatching(/provider = "postgresql"/),
    ]);
    expect(() => postgresSchema(sqlite.replace('"sqlite"', '"mysql"'))).toThrow(/update scripts\/generatePostgres.ts/);
  });

  it("keeps src/store to string filters that behave the same on both (SQLite's LIKE ignores case, PostgreSQL's does not)", () => {
    const store = path.join(ROOT, "src", "store");
    const offenders = readdirSync(store)
      .filter((f) => f.endsWith(".ts"))
      .filter((f) => /\b(contains|startsWith|endsWith|search)\s*:/.test(readFileSync(path.join(store, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
