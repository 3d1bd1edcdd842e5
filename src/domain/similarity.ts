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

export function findSimilar<T extends SearchableNeed>(candidates: T[], text: string, limit = 3): T[] {
  if (candidates.length === 0 || !text.trim()) return [];
  const index = new MiniSearch<T>({
    fields: ["title", "problem"],
    storeFields: ["id"],
    processTerm: (term) => {
      const t = term.toLowerCase();
      return t.length < 3 || STOP_WORDS.has(t) ? null : t;
    },
    searchOptions: { boost: { title: 2 }, fuzzy: 0.2, prefix: true, combineWith: "OR" },
  });
  index.addAll(candidates);
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const results = index.search(text);
  if (results.length === 0) return [];
  // Keep matches that share a real part of the text (at least two words and a
  // quarter of the distinct words), not one or two passing words.
  const queryTerms = new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((t) => t.length >= 3 && !STOP_WORDS.has(t)),
  );
  const needed = Math.min(queryTerms.size, Math.max(2, Math.ceil(queryTerms.size * 0.25)));
  return results
    .filter((r) => new Set(r.queryTerms).size >= needed)
    .slice(0, limit)
    .map((r) => byId.get(r.id as number)!)
    .filter(Boolean);
}
