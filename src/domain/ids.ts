// Record ids as they arrive from cards, URLs and forms: anything not a
// positive integer the database can hold (Prisma `Int`: 32 bits on both
// providers) is no id at all, so a forged `1e308` or a 20-digit number is
// "not found" instead of a database error.
export const MAX_ID = 2_147_483_647;

/** The id in `value` (a number or a string of digits), or null. */
export function parseId(value: unknown): number | null {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d{1,10}$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_ID ? n : null;
}
