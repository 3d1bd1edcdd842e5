// Finds open needs similar to a new one (minisearch over title and problem),
// in Swedish and English: words are lower-cased, common words dropped, and
// fuzzy and prefix matching stand in for stemming.
import MiniSearch from "minisearch";

const STOP_WORDS = new Set(
  (
    "och att det som en ett är på för med till av inte den har de om vi så men kan ska vara var när från vid eller " +
    "också mycket måste finns blir bli detta dessa våra vår vårt jag du han hon man sig sin sina där här hur vad alla " +
    "the a an and or of to in on for with is are was be by it this that as at from not we our can should have has"
  ).split(" "),
);

export interface SearchableNeed {
  id: number;
  reference: string;
  title: string;
  problem: string;
}

function queryTermsOf(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((t) => t.length >= 3 && !STOP_WORDS.has(t)),
  );
}

/**
 * An index of open needs that is kept in step with the database by applying
 * what changed since the last sync, so a search costs the changes, not a
 * rebuild over every open need.
 */
export class SimilarityIndex {
  private readonly index = new MiniSearch<SearchableNeed>({
    fields: ["title", "problem"],
    storeFields: ["id"],
    processTerm: (term) => {
      const t = term.toLowerCase();
      return t.length < 3 || STOP_WORDS.has(t) ? null : t;
    },
    searchOptions: { boost: { title: 2 }, fuzzy: 0.2, prefix: true, combineWith: "OR" },
  });

  /** Adds or replaces open needs, and removes those no longer open. */
  apply(changes: { need: SearchableNeed; open: boolean }[]): void {
    for (const { need, open } of changes) {
      if (this.index.has(need.id)) this.index.discard(need.id);
      if (open) this.index.add(need);
    }
  }

  get size(): number {
    return this.index.documentCount;
  }

  /**
   * Ids of up to `limit` needs that share a real part of the text: at least
   * two words and a quarter of its distinct words, not one passing word.
   */
  search(text: string, limit = 3): number[] {
    if (this.size === 0 || !text.trim()) return [];
    const terms = queryTermsOf(text);
    const needed = Math.min(terms.size, Math.max(2, Math.ceil(terms.size * 0.25)));
    return this.index
      .search(text)
      .filter((r) => new Set(r.queryTerms).size >= needed)
      .slice(0, limit)
      .map((r) => r.id as number);
  }
}

/** One-off search over a list (tests and small sets). */
export function findSimilar<T extends SearchableNeed>(candidates: T[], text: string, limit = 3): T[] {
  const index = new SimilarityIndex();
  index.apply(candidates.map((need) => ({ need, open: true })));
  const byId = new Map(candidates.map((c) => [c.id, c]));
  return index.search(text, limit).map((id) => byId.get(id)!);
}
