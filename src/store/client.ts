// The one place that knows which database runs. Everything above src/store
// receives a Store and never sees Prisma's provider.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/client.ts";

export type Db = PrismaClient;
/** A Prisma client or the transaction client handed to `$transaction(fn)`. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;
export type DatabaseKind = "sqlite" | "postgres";

export function databaseKind(url: string): DatabaseKind {
  return url.startsWith("file:") ? "sqlite" : "postgres";
}

/** The file a `file:` URL names, relative to the working directory. */
export function sqliteFilePath(url: string): string {
  return path.resolve(url.slice("file:".length).replace(/\?.*$/, ""));
}

/** The file a `file:` URL names, its directory created when missing (a fresh clone has no ./data). */
export function ensureSqliteFile(url: string): string {
  const file = sqliteFilePath(url);
  mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/**
 * Counts the SQL statements a client sends, through Prisma's query events
 * (a transaction's COMMIT is reported, its BEGIN is not). Off unless asked for: the events cost a
 * little on every statement.
 */
export interface StatementCounter {
  count: number;
}

/** Prisma's options that turn the query events on, and the hook that counts them. */
const queryEvents = { log: [{ emit: "event", level: "query" }] } as const;
function countStatements(client: { $on(event: "query", fn: () => void): void }, counter: StatementCounter | undefined): void {
  if (counter) client.$on("query", () => void counter.count++);
}

export async function createPrismaClient(url: string, counter?: StatementCounter): Promise<Db> {
  const events = counter ? queryEvents : {};
  if (databaseKind(url) === "sqlite") {
    const file = ensureSqliteFile(url);
    // busy timeout: the CLI and the server may write the same file at once.
    const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: file, timeout: 10_000 }), ...events });
    countStatements(client as never, counter);
    return client as unknown as Db;
  }
  // A client generated for provider sqlite refuses a pg adapter, so PostgreSQL
  // gets its own client, generated from the same datamodel (prisma/postgres,
  // scripts/generatePostgres.ts). Its API is the same; code is typed against the
  // SQLite one, which keeps it to what both providers support.
  const [{ PrismaPg }, generated] = await Promise.all([import("@prisma/adapter-pg"), import("./generated-pg/client.ts")]);
  // pg waits for a connection forever by default; /healthz must answer instead.
  // The wait covers a free pooled connection too: as long as a transaction may
  // wait to start (openStore's maxWait), so a burst queues instead of failing.
  const adapter = new PrismaPg({ connectionString: url, connectionTimeoutMillis: 20_000 });
  const client = new generated.PrismaClient({ adapter, ...events });
  countStatements(client as never, counter);
  return client as unknown as Db;
}

/** A unique constraint refused a write: someone else wrote the same row first (Prisma P2002). */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}

/**
 * A unique violation on `field` in particular. Driver adapters name the
 * constraint's fields (PostgreSQL quotes them); older engines the target.
 */
export function isUniqueViolationOn(err: unknown, field: string): boolean {
  if (!isUniqueViolation(err)) return false;
  const meta = (err as { meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: unknown } } } } }).meta;
  const fields = meta?.driverAdapterError?.cause?.constraint?.fields ?? meta?.target;
  return Array.isArray(fields) && fields.some((f) => String(f).replace(/"/g, "") === field);
}
