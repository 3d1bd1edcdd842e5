// The one CSV writer of the command line (needs, research export, figures).
export function csvCell(value: unknown): string {
  const text = value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.join(";") : value == null ? "" : String(value);
  // Quote every cell; a cell that starts with =,+,-,@ once leading whitespace and control
  // characters are skipped (spreadsheets skip them too: "\t=cmd") is prefixed, so it is not run as a formula.
  const safe = /^[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202f\u2060\ufeff]*[=+\-@]/u.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** One CSV line of `row`'s values in column order (no line break). */
export function csvLine<T>(columns: readonly (keyof T & string)[], row: T): string {
  return columns.map((c) => csvCell(row[c])).join(",");
}

/** The value of `--name VALUE` in the arguments, if given. */
export function flagValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
