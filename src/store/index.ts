// The Store: repositories over one database, and transactions that hand the
// same repositories bound to the transaction.
import { createAnnouncementsRepository } from "./announcements.ts";
import { createAuditRepository } from "./audit.ts";
import { createPrismaClient, databaseKind, type DatabaseKind, type Db, type StatementCounter, type Tx } from "./client.ts";
import { createReadCache, NO_CACHE, transactionView, type ReadCache } from "./cache.ts";
import { createDepartmentsRepository } from "./departments.ts";
import { createDigestsRepository } from "./digests.ts";
import { createErasureRepository } from "./erasure.ts";
import { createEvaluationRepository } from "./evaluation.ts";
import { createInboundRepository } from "./inbound.ts";
import { createInitiativesRepository } from "./initiatives.ts";
import { createJobRunsRepository } from "./jobRuns.ts";
import { createMethodsRepository } from "./methods.ts";
import { createLessonsRepository } from "./lessons.ts";
import { migrate } from "./migrate.ts";
import { createNeedsRepository } from "./needs.ts";
import { createOrganisationRepository } from "./organisation.ts";
import { createOutboxRepository } from "./outbox.ts";
import { createPeopleRepository } from "./people.ts";
import { createRateLimitsRepository } from "./rateLimits.ts";
import { createResearchRepository } from "./research.ts";
import { createPortfolioRepository } from "./portfolio.ts";
import { createSettingsRepository } from "./settings.ts";
import { createStatusRequestsRepository } from "./statusRequests.ts";
import { createWebChatRepository } from "./webChat.ts";
import { createWorkPackagesRepository } from "./workPackages.ts";

/** `cache`: the Store's read cache (src/store/cache.ts); none for repositories made elsewhere. */
export function createRepositories(db: Tx, kind: DatabaseKind, cache: ReadCache = NO_CACHE) {
  return {
    people: createPeopleRepository(db, cache),
    needs: createNeedsRepository(db),
    departments: createDepartmentsRepository(db, cache),
    workPackages: createWorkPackagesRepository(db),
    initiatives: createInitiativesRepository(db),
    digests: createDigestsRepository(db),
    outbox: createOutboxRepository(db, kind),
    rateLimits: createRateLimitsRepository(db, kind),
    webChat: createWebChatRepository(db),
    inbound: createInboundRepository(db),
    audit: createAuditRepository(db),
    settings: createSettingsRepository(db, cache),
    statusRequests: createStatusRequestsRepository(db),
    organisation: createOrganisationRepository(db, cache),
    jobRuns: createJobRunsRepository(db),
    portfolio: createPortfolioRepository(db),
    erasure: createErasureRepository(db, cache),
    methods: createMethodsRepository(db),
    announcements: createAnnouncementsRepository(db),
    lessons: createLessonsRepository(db),
    evaluation: createEvaluationRepository(db),
    research: createResearchRepository(db),
  };
}
export type Repositories = ReturnType<typeof createRepositories>;

export interface Store extends Repositories {
  kind: DatabaseKind;
  /**
   * Runs `fn` in one database transaction; everything it writes lands or nothing
   * does. A transaction that lost a race (see RETRIED) runs `fn` again, so `fn`
   * must do database work only.
   */
  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
  /** SQL statements sent so far, when the store was opened with `countStatements` (else null). */
  statements(): number | null;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** The Prisma client, for src/store modules only. */
  readonly db: Db;
}

/**
 * Errors of a transaction that lost a race to a concurrent one (another
 * replica, or another request): a unique key the other inserted first
 * (P2002; PostgreSQL reads committed rows, so "find, else create" can collide),
 * or a deadlock or serialization failure (P2034). Run again, the loser's reads
 * see the winner's rows. A real duplicate fails again and is thrown.
 */
const RETRIED = new Set(["P2002", "P2034"]);
const MAX_ATTEMPTS = 3;

export async function openStore(url: string, options: { migrate?: boolean; countStatements?: boolean } = {}): Promise<Store> {
  if (options.migrate !== false) await migrate(url);
  const counter: StatementCounter | undefined = options.countStatements ? { count: 0 } : undefined;
  const db = await createPrismaClient(url, counter);
  const kind = databaseKind(url);
  const cache = createReadCache();
  return {
    ...createRepositories(db, kind, cache),
    kind,
    db,
    async transaction(fn) {
      for (let attempt = 1; ; attempt++) {
        try {
          const view = transactionView(cache);
          try {
            return await db.$transaction((tx) => fn(createRepositories(tx, kind, view)), { timeout: 20_000, maxWait: 20_000 });
          } finally {
            // A read between the write's invalidation and the commit saw the old rows.
            if (view.dirty) cache.invalidate();
          }
        } catch (err) {
          if (attempt >= MAX_ATTEMPTS || !RETRIED.has((err as { code?: string }).code ?? "")) throw err;
        }
      }
    },
    statements: () => counter?.count ?? null,
    async ping() {
      try {
        await db.$queryRaw`SELECT 1`;
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.$disconnect(),
  };
}
