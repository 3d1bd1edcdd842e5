// The one CSV writer of the command line (needs, research export, figures).
export function csvCell(value: unknown): string {
  const text = value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.join(";") : value == null ? "" : String(value);
  // Quote every cell; a leading =,+,-,@ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** One CSV line of `row`'s values in column order (no line break). */
export function csvLine<T>(columns: readonly (keyof T & string)[], row: T): string {
  return columns.map((c) => csvCell(row[c])).join(",");
}

/** The value of `--name VALUE` in the arguments, if given. */
export function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
