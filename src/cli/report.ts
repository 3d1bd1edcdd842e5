// `report kpis`: the platform's evaluation figures per quarter and in total.
import { loadConfig } from "../config.ts";
import { createCalendar } from "../domain/calendar.ts";
import { createKpiService, KPI_ROW_COLUMNS, kpiRows, type KpiRow } from "../domain/kpis.ts";
import { openStore } from "../store/index.ts";
import { csvLine, flagValue } from "./csv.ts";
import type { CliCommandDefinition, CliIo } from "./types.ts";

const FORMATS = ["table", "csv", "json"] as const;
const USAGE = "report kpis [--format table|csv|json] [--at ISO-TIME]";

function tableLines(rows: KpiRow[]): string[] {
  const cells = [KPI_ROW_COLUMNS as string[], ...rows.map((r) => KPI_ROW_COLUMNS.map((c) => (r[c] === null ? "–" : String(r[c]))))];
  const widths = KPI_ROW_COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd());
}

async function reportKpis(args: string[], io: CliIo): Promise<number> {
  const format = flagValue(args, "--format") ?? "table";
  // --at: the figures as they stood at that time (what counts as due or past the target).
  const at = flagValue(args, "--at");
  const now = at === undefined ? new Date() : new Date(at);
  if (args[0] !== "kpis" || !(FORMATS as readonly string[]).includes(format) || Number.isNaN(now.getTime())) {
    io.err(`Usage: ${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const store = await openStore(config.databaseUrl);
  try {
    const report = await createKpiService(store, createCalendar(config.holidayCountry), config.timezone).report(now);
    if (format === "json") io.out(JSON.stringify(report, null, 2));
    else if (format === "csv") [KPI_ROW_COLUMNS.join(","), ...kpiRows(report.periods).map((r) => csvLine(KPI_ROW_COLUMNS, r))].forEach((l) => io.out(l));
    else tableLines(kpiRows(report.periods)).forEach((l) => io.out(l));
    return 0;
  } finally {
    await store.close();
  }
}

export const reportCommands: Record<string, CliCommandDefinition> = {
  report: { usage: `${USAGE}  evaluation figures per quarter and in total`, run: reportKpis },
};
