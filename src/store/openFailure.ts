// Turns a database that cannot be opened at start (a path that cannot be
// created or read, a server that does not answer or refuses the login) into
// one line naming DATABASE_URL. Anything else is a bug and keeps its stack.
import { databaseKind, sqliteFilePath } from "./client.ts";

const FILE_CODES = /^(E(ACCES|PERM|NOTDIR|ISDIR|ROFS|EXIST|NOENT|NOSPC)|SQLITE_(CANTOPEN|NOTADB|READONLY|PERM|IOERR|CORRUPT|AUTH)\w*)$/;
const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)$/;
// SQLSTATE classes 08 (connection), 28 (authorization), 3D000 (no such database), 57P03 (cannot connect now).
const SQLSTATE = /^(08|28|3D000|57P03)/;

/** One line for a failure to open the database, or undefined when the failure is not about reaching it. */
export function databaseFailure(url: string, err: unknown): string | undefined {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === "string" ? e.code : "";
  const message = String(e?.message ?? err).split("\n")[0];
  if (databaseKind(url) === "sqlite") {
    if (!FILE_CODES.test(code)) return undefined;
    return `DATABASE_URL: cannot open the SQLite database ${sqliteFilePath(url)} (${code}: ${message})`;
  }
  if (!NETWORK_CODES.test(code) && !SQLSTATE.test(code) && !/timeout|terminated/i.test(message)) return undefined;
  // The URL may carry a password: name the server and database only.
  let where = "the PostgreSQL server";
  try {
    const u = new URL(url);
    where = `the PostgreSQL server at ${u.hostname}:${u.port || 5432} (database ${u.pathname.slice(1) || "?"})`;
  } catch {
    // not a URL the message can show
  }
  const what = SQLSTATE.test(code) ? "refused the connection" : "does not answer";
  return `DATABASE_URL: ${where} ${what} (${code || "no code"}: ${message})`;
}
