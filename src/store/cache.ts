// Reads that rarely change, kept in memory for a few seconds: the active
// departments, settings, and the person behind a chat account or id. Every
// request read them (docs/PERFORMANCE.md, "Per-request cost").
//
// Freshness: a write through this process's Store drops everything at once
// (again after its transaction commits, so a read racing the commit cannot
// keep the old value). Writes by another replica or the CLI are seen after at
// most READ_CACHE_TTL_MS: a department deactivated, a setting or a role
// changed elsewhere applies within seconds, which harms nobody (a permission
// is checked again on the next request; the database constraints still hold).
// Reads inside a transaction never use the cache: they see its own writes.

/** How long a cached read may be stale towards other processes. */
export const READ_CACHE_TTL_MS = 5_000;

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached value, or `load()`'s; concurrent misses share one load, a failed load is not kept. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const t = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > t) return hit.value;
    const entry = { value: load(), until: t + this.ttlMs };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** One process's read cache; `invalidate` after any write to people, roles, departments or settings. */
export interface ReadCache {
  /** False inside a transaction: read the database (the transaction's own view). */
  readonly enabled: boolean;
  readonly departments: TtlCache<unknown>;
  readonly settings: TtlCache<unknown>;
  readonly people: TtlCache<unknown>;
  invalidate(): void;
}

export function createReadCache(ttlMs = READ_CACHE_TTL_MS, now: () => number = Date.now): ReadCache {
  const departments = new TtlCache<unknown>(ttlMs, now);
  const settings = new TtlCache<unknown>(ttlMs, now);
  const people = new TtlCache<unknown>(ttlMs, now);
  return {
    enabled: true,
    departments,
    settings,
    people,
    invalidate() {
      departments.clear();
      settings.clear();
      people.clear();
    },
  };
}

/** No caching: repositories made outside a Store (seeding). */
export const NO_CACHE: ReadCache = createUncached();
function createUncached(): ReadCache {
  const cache = createReadCache(0);
  return { ...cache, enabled: false };
}

/**
 * The view a transaction gets: reads bypass the cache, writes invalidate it;
 * `dirty` tells the Store to invalidate once more after the commit.
 */
export function transactionView(cache: ReadCache): ReadCache & { readonly dirty: boolean } {
  let dirty = false;
  return {
    enabled: false,
    departments: cache.departments,
    settings: cache.settings,
    people: cache.people,
    invalidate() {
      dirty = true;
      cache.invalidate();
    },
    get dirty() {
      return dirty;
    },
  };
}

/** `load` through `cache` when it is enabled, else straight from the database. */
export function cached<V>(cache: ReadCache, which: "departments" | "settings" | "people", key: string, load: () => Promise<V>): Promise<V> {
  return cache.enabled ? (cache[which].get(key, load) as Promise<V>) : load();
}
