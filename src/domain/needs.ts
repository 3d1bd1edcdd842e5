// The need lifecycle as employees meet it: report (with similar needs shown
// first), support, edit, withdraw, follow.
import { parseId } from "./ids.ts";
import type { Store } from "../store/index.ts";
import { DomainError, RepeatedSubmissionError } from "./errors.ts";
import { parseNeedDraft, type NeedFormValues } from "./needDraft.ts";
import { canChangeAsReporter, requireReporterChange } from "./permissions.ts";
import { SimilarityIndex } from "./similarity.ts";
import { OPEN_NEED_STATUSES, type Need, type NeedDraft, type NeedEvent, type NeedLine, type Person } from "./types.ts";

export type Clock = () => Date;

export type SubmitResult =
  | { kind: "similar"; similar: Need[]; draft: NeedDraft }
  | { kind: "created"; need: Need }
  /** The same submission came before (double click, replay): the need it made, nothing new. */
  | { kind: "repeated"; need: Need };

/** Changes written by another process may carry a clock a little behind ours. */
const SYNC_OVERLAP_MS = 10_000;
/** Needs shown when a person searches for one to support. */
const FOUND_SHOWN = 5;

export function createNeedService(store: Store, clock: Clock) {
  const similarity = new SimilarityIndex();
  let syncedUpTo: Date | null = null;
  /** The first build is done: until then the index holds only part of the open needs. */
  let built = false;
  let syncing: Promise<void> | null = null;
  let nextSync: Promise<void> | null = null;

  /** Brings the similarity index up to date with what changed since the last sync. */
  async function syncOnce(): Promise<void> {
    const since = syncedUpTo ? new Date(syncedUpTo.getTime() - SYNC_OVERLAP_MS) : null;
    // The first build needs only the open needs (a third of them at 100,000 needs).
    const changes = await store.needs.changedSince(since, built ? undefined : OPEN_NEED_STATUSES);
    const applied = changes.map((need) => ({ need, open: OPEN_NEED_STATUSES.includes(need.status) }));
    if (built) similarity.apply(applied);
    else await similarity.applyInSlices(applied);
    built = true;
    const last = changes.at(-1)?.updatedAt;
    if (last && (!syncedUpTo || last > syncedUpTo)) syncedUpTo = last;
  }

  /**
   * One sync at a time (the first build gives the event loop back while it runs).
   * A caller arriving during a sync waits for the one after it, so it sees what
   * was written before it asked; callers arriving together share that one.
   */
  function syncSimilarity(): Promise<void> {
    if (!syncing) {
      syncing = syncOnce().finally(() => (syncing = null));
      return syncing;
    }
    const next = () => {
      nextSync = null;
      return syncSimilarity();
    };
    return (nextSync ??= syncing.then(next, next));
  }

  /** Ids of open needs similar to `text`, most similar first. */
  async function similarTo(text: string, limit = 3, excludeId?: number): Promise<number[]> {
    await syncSimilarity();
    return similarity.search(text, limit, { exclude: excludeId });
  }

  /** The needs of `ids` that are still open, in that order (one may have closed since the last sync). */
  async function openNeeds(ids: number[]): Promise<Need[]> {
    const found = await Promise.all(ids.map((id) => store.needs.byId(id)));
    return found.filter((n): n is Need => n !== null && OPEN_NEED_STATUSES.includes(n.status));
  }

  async function departmentIds(): Promise<number[]> {
    return (await store.departments.active()).map((d) => d.id);
  }

  async function load(needId: unknown): Promise<Need> {
    const id = parseId(needId);
    const need = id ? await store.needs.byId(id) : null;
    if (!need) throw new DomainError("not_found", `need ${String(needId)}`);
    return need;
  }

  return {
    load,

    similarTo,

    /**
     * Like similarTo, or null while the index is first being built (seconds at
     * 100,000 needs), which this starts: for pages that can answer without.
     */
    async similarToIfReady(text: string, limit = 3, excludeId?: number): Promise<number[] | null> {
      if (built) return similarTo(text, limit, excludeId);
      // A failed build is retried by the next lookup; the server logs the start's (main.ts).
      syncSimilarity().catch(() => undefined);
      return null;
    },

    /** Builds the similarity index now (at start) rather than at the first lookup; the count of open needs in it. */
    async warm(): Promise<number> {
      await syncSimilarity();
      return similarity.size;
    },

    /** Open needs like `text`, for a person looking for one to support (same index, same threshold). */
    async find(text: string, limit = FOUND_SHOWN): Promise<Need[]> {
      return openNeeds(await similarTo(text, limit));
    },

    /**
     * Validates and stores a need. Unless the person already chose "mine is
     * different", similar open needs are offered first and nothing is stored.
     * `submissionKey` names the chat submission (the router's key): stored on
     * the need, so a repeat of it stores nothing and answers with that need.
     */
    async submit(
      person: Person,
      values: NeedFormValues,
      options: { skipSimilar?: boolean; sourceUrl?: string | null; submissionKey?: string } = {},
    ): Promise<SubmitResult> {
      const departments = await store.departments.active();
      const draft = parseNeedDraft(values, departments.map((d) => d.id));
      if (!draft.departmentId && person.departmentId) draft.departmentId = person.departmentId;
      const department = draft.departmentId ? departments.find((d) => d.id === draft.departmentId) : null;
      if (!options.skipSimilar) {
        // A repeat would find the need its first delivery saved as "similar":
        // answer it as a repeat. (With skipSimilar the insert itself tells.)
        const earlier = options.submissionKey ? await store.needs.bySubmissionKey(options.submissionKey) : null;
        if (earlier) return { kind: "repeated", need: earlier };
        await syncSimilarity();
        const similar = await openNeeds(similarity.search(`${draft.title}\n${draft.problem}`));
        if (similar.length > 0) return { kind: "similar", similar, draft };
      }
      try {
        const need = await store.transaction((tx) =>
          tx.needs.create({
            reporterId: person.id,
            draft,
            year: clock().getUTCFullYear(),
            sourceUrl: options.sourceUrl ?? null,
            // What we hold already answers the reply: no read-back. Only a person's
            // own department that is no longer active is read back (rare).
            known: department === undefined ? undefined : { reporterName: person.displayName, departmentName: department?.name ?? null },
            ...(options.submissionKey ? { submissionKey: options.submissionKey } : {}),
          }),
        );
        return { kind: "created", need };
      } catch (err) {
        if (!(err instanceof RepeatedSubmissionError)) throw err;
        // Only a repeat costs this read: the first one is answered from what it wrote.
        const need = await store.needs.bySubmissionKey(err.key);
        if (!need) throw err;
        return { kind: "repeated", need };
      }
    },

    /** +1 on an open need; the reporter's own need or a repeat adds nothing. */
    async support(person: Person, needId: unknown): Promise<{ need: Need; added: boolean; own: boolean }> {
      const need = await load(needId);
      if (!OPEN_NEED_STATUSES.includes(need.status)) {
        throw new DomainError("invalid_state", `${need.reference} is ${need.status}`, {
          detailKey: "need.state.notSubmitted",
          reference: need.reference,
          status: need.status,
        });
      }
      if (need.reporterId === person.id) return { need, added: false, own: true };
      const added = await store.transaction(async (tx) => {
        const isNew = await tx.needs.addSupporter(need.id, person.id);
        if (isNew) await tx.needs.addEvent(need.id, { actorId: person.id, kind: "supported" });
        return isNew;
      });
      return { need: (await store.needs.byId(need.id))!, added, own: false };
    },

    /** The need as the reporter may still change it, or the precise refusal. */
    async changeable(person: Person, needId: unknown): Promise<Need> {
      const need = await load(needId);
      requireReporterChange(person, need);
      return need;
    },

    async edit(person: Person, needId: unknown, values: NeedFormValues): Promise<Need> {
      const need = await load(needId);
      requireReporterChange(person, need);
      const draft = parseNeedDraft(values, await departmentIds());
      return store.transaction((tx) => tx.needs.update(need.id, need.version, draft, { actorId: person.id, kind: "edited" }));
    },

    async withdraw(person: Person, needId: unknown): Promise<Need> {
      const need = await load(needId);
      requireReporterChange(person, need);
      return store.transaction((tx) =>
        tx.needs.update(need.id, need.version, { status: "withdrawn" }, {
          actorId: person.id,
          kind: "withdrawn",
          fromStatus: need.status,
          toStatus: "withdrawn",
        }),
      );
    },

    async mine(person: Person): Promise<{ reported: NeedLine[]; supported: NeedLine[] }> {
      return store.needs.linesOf(person.id);
    },

    async view(person: Person, needId: unknown): Promise<{ need: Need; events: NeedEvent[]; canChange: boolean }> {
      const need = await load(needId);
      const events = await store.needs.events(need.id);
      return { need, events, canChange: canChangeAsReporter(person, need) };
    },
  };
}
export type NeedService = ReturnType<typeof createNeedService>;
