// `export research --out DIR [--from DATE] [--to DATE] [--coarsen week|month]`:
// the pseudonymised dataset for work package 5 (src/domain/research.ts), each
// table as CSV and JSON, the codebook, and a manifest with checksums. Written
// into a temporary directory beside DIR and renamed at the end, so a failed
// export leaves nothing half-written.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DateTime } from "luxon";
import { loadConfig } from "../config.ts";
import { createCalendar } from "../domain/calendar.ts";
import { buildDataset, codebookJson, codebookMarkdown, COARSENINGS, type Coarsening, type RawResearchData } from "../domain/research.ts";
import { openStore } from "../store/index.ts";
import type { Range } from "../store/research.ts";
import { csvLine, flagValue } from "./csv.ts";
import type { CliIo } from "./types.ts";

export const RESEARCH_USAGE = "export research --out DIR [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--coarsen week|month]";

class UsageError extends Error {}

function parseDay(text: string | undefined, name: string, zone: string): DateTime | null {
  if (text === undefined) return null;
  const day = DateTime.fromISO(text, { zone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !day.isValid) throw new UsageError(`${name} "${text}": expected a date YYYY-MM-DD`);
  return day.startOf("day");
}

function parseArgs(args: string[], zone: string) {
  const out = flagValue(args, "--out");
  if (!out) throw new UsageError(`--out DIR is required\nUsage: ${RESEARCH_USAGE}`);
  const coarsen = flagValue(args, "--coarsen") ?? null;
  if (coarsen !== null && !(COARSENINGS as readonly string[]).includes(coarsen)) throw new UsageError(`--coarsen "${coarsen}": use week or month`);
  const from = parseDay(flagValue(args, "--from"), "--from", zone);
  const to = parseDay(flagValue(args, "--to"), "--to", zone);
  if (from && to && to < from) throw new UsageError("--to is before --from");
  // --to names the last day included.
  const range: Range = { from: from?.toJSDate() ?? null, to: to?.plus({ days: 1 }).toJSDate() ?? null };
  return { out: path.resolve(out), coarsen: coarsen as Coarsening | null, range, period: { from: from?.toISODate() ?? null, to: to?.toISODate() ?? null } };
}

export async function exportResearch(args: string[], io: CliIo): Promise<number> {
  const config = loadConfig();
  let parsed;
  try {
    parsed = parseArgs(args, config.timezone);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(err.message);
    return 2;
  }
  if (!config.researchKey) {
    io.err("RESEARCH_KEY is not set: the research export needs it to make pseudonyms (at least 32 characters, e.g. `openssl rand -hex 32`; keep it secret and the same for exports that should line up).");
    return 2;
  }
  const { out, coarsen, range, period } = parsed;
  if (existsSync(out) && readdirSync(out).length > 0) {
    io.err(`${out} exists and is not empty: choose a new directory.`);
    return 2;
  }

  const store = await openStore(config.databaseUrl);
  let raw: RawResearchData;
  try {
    io.err("reading the database…");
    const r = store.research;
    const [people, departments, workPackages, initiatives, methods, needs, statusRequests, lessons] = await Promise.all([
      r.people(),
      r.departments(),
      r.workPackages(),
      r.initiatives(),
      r.methods(),
      r.needs(range),
      r.statusRequests(range),
      r.lessons(range),
    ]);
    raw = { people, departments, workPackages, initiatives, methods, needs, statusRequests, lessons };
  } finally {
    await store.close();
  }

  const dataset = buildDataset(raw, { key: config.researchKey, coarsen, calendar: createCalendar(config.holidayCountry), zone: config.timezone });
  const temp = `${out}.partial-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  try {
    const checksums: Record<string, string> = {};
    const write = (name: string, content: string) => {
      writeFileSync(path.join(temp, name), content);
      checksums[name] = createHash("sha256").update(content).digest("hex");
    };
    const rowCounts: Record<string, number> = {};
    for (const { spec, rows } of dataset.tables) {
      const columns = spec.columns.map((c) => c.name);
      write(`${spec.name}.csv`, [columns.join(","), ...rows.map((row) => csvLine(columns, row))].join("\n") + "\n");
      write(`${spec.name}.json`, `${JSON.stringify(rows, null, 1)}\n`);
      rowCounts[spec.name] = rows.length;
      io.err(`wrote ${spec.name}: ${rows.length} row(s)`);
    }
    write("codebook.json", `${JSON.stringify(codebookJson(dataset, coarsen), null, 2)}\n`);
    write("codebook.md", codebookMarkdown(dataset, coarsen));
    const manifest = { exportedAt: new Date().toISOString(), period, coarsen, timezone: config.timezone, rowCounts, files: checksums };
    writeFileSync(path.join(temp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existsSync(out)) rmSync(out, { recursive: true });
    renameSync(temp, out);
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    throw err;
  }
  io.err(`research export written to ${out}`);
  return 0;
}
