// Finds open needs similar to a text: each need is analysed (textAnalysis.ts)
// into stems and character n-grams, weighted by TF-IDF with the title counting
// more than the problem, and compared by cosine similarity, a number in [0, 1]
// whatever the length of the texts; a need is suggested when the similarity
// reaches the threshold chosen with `npm run bench -- similar`. BM25 scoring
// and decisions relative to the text's other candidates are options, measured
// there and not the default (docs/PERFORMANCE.md says why).
import { analyse, type Analysis, type AnalysisOptions, type TextLanguage } from "./textAnalysis.ts";

export interface SearchableNeed {
  id: number;
  reference: string;
  title: string;
  problem: string;
}

export interface SimilarityOptions {
  analysis?: AnalysisOptions;
  /** How much a title word counts against a problem word. */
  titleWeight?: number;
  /** Share of the similarity that comes from n-grams; the rest from stems and synonyms. */
  gramWeight?: number;
  /** Lowest similarity suggested ("absolute"), or how far a need must stand out from the text's background (the others). */
  threshold?: number;
  /**
   * How a need is chosen: "absolute", its similarity reaches the threshold;
   * "median", it is at least `threshold` times the median similarity of the
   * next BACKGROUND needs; "zscore", it is `threshold` standard deviations
   * above their mean. The relative ones ask whether a need stands out among
   * those the text resembles at all (measured in bench/similar.ts).
   */
  decision?: "absolute" | "median" | "zscore";
  /** Fewest distinct stems or concepts a suggested need shares with the text: one shared word is a topic, not a need. */
  minShared?: number;
  /**
   * How a need is scored against the text: "cosine" of TF-IDF vectors, or
   * "bm25" (Okapi BM25 with the title's terms counting `titleWeight` times,
   * divided by the text's score against itself so it is again a share).
   */
  scoring?: "cosine" | "bm25";
  /** BM25 term-frequency saturation. */
  k1?: number;
  /** BM25 length normalisation (0: none, 1: full). */
  b?: number;
}

/**
 * Chosen from bench/data with `npm run bench -- similar` (docs/PERFORMANCE.md);
 * k1 and b are BM25's best on the tuning half, used only with scoring "bm25".
 */
export const DEFAULT_SIMILARITY: Required<Omit<SimilarityOptions, "analysis">> = {
  titleWeight: 2,
  gramWeight: 0.5,
  threshold: 0.25,
  minShared: 0,
  decision: "absolute",
  scoring: "cosine",
  k1: 2,
  b: 0.75,
};

export interface Scored {
  id: number;
  score: number;
}

type Vector = Map<string, number>;

interface ScoredQuery {
  limit?: number;
  lang?: TextLanguage | null;
  threshold?: number;
  /** A need left out (the one the text is of). */
  exclude?: number;
}

/**
 * Terms held by more than this share of the entries (and at least COMMON_MIN_DF)
 * are scored only for entries a rarer term found: the lookup then costs the
 * rare terms' postings, not the common ones' (docs/PERFORMANCE.md).
 */
const COMMON_SHARE = 0.02;
const COMMON_MIN_DF = 50;
/**
 * A text whose every term is common (a search for "school" among thousands of
 * school needs) is ranked among this many of the needs changed last that hold
 * its rarest term, instead of finding nothing or scoring every need.
 */
const COMMON_ONLY_CANDIDATES = 2_000;
/** Needs after the best that make the background of the relative decisions. */
const BACKGROUND = 20;

/** One analysis of one need (a need of unclear language has one per language). */
interface Entry {
  needId: number;
  words: Vector;
  grams: Vector;
  norms: { words: number; grams: number };
  /** Sum of the weighted term counts, for BM25's length normalisation. */
  lengths: { words: number; grams: number };
}

type Kind = "words" | "grams";
const KINDS: readonly Kind[] = ["words", "grams"];
const lengthOf = (v: Vector) => [...v.values()].reduce((a, b) => a + b, 0);

/** Term → entries holding it, with the term's weight there; and how many entries hold it. */
class Postings {
  readonly byTerm = new Map<string, Map<number, number>>();

  add(entryId: number, vector: Vector): void {
    for (const [term, weight] of vector) {
      let list = this.byTerm.get(term);
      if (!list) this.byTerm.set(term, (list = new Map()));
      list.set(entryId, weight);
    }
  }

  remove(entryId: number, vector: Vector): void {
    for (const term of vector.keys()) {
      const list = this.byTerm.get(term);
      list?.delete(entryId);
      if (list?.size === 0) this.byTerm.delete(term);
    }
  }

  df(term: string): number {
    return this.byTerm.get(term)?.size ?? 0;
  }
}

function weigh(title: string[], problem: string[], titleWeight: number): Vector {
  const v: Vector = new Map();
  for (const t of title) v.set(t, (v.get(t) ?? 0) + titleWeight);
  for (const t of problem) v.set(t, (v.get(t) ?? 0) + 1);
  return v;
}

/**
 * An index of open needs kept in step with the database by applying what
 * changed since the last sync, so a search costs the changes, not a rebuild.
 */
export class SimilarityIndex {
  private readonly options: Required<Omit<SimilarityOptions, "analysis">>;
  private readonly analysisOptions: AnalysisOptions;
  private readonly entries = new Map<number, Entry>();
  private readonly entriesOf = new Map<number, number[]>();
  private readonly words = new Postings();
  private readonly grams = new Postings();
  /** Sum of the entries' lengths per kind: their mean is BM25's average length. */
  private readonly totalLength = { words: 0, grams: 0 };
  private nextEntry = 1;
  /** Entry count when the stored norms were last computed: norms use the IDF of then until it drifts. */
  private normedAt = 0;

  constructor(options: SimilarityOptions = {}) {
    this.options = { ...DEFAULT_SIMILARITY, ...options };
    this.analysisOptions = options.analysis ?? {};
  }

  get size(): number {
    return this.entriesOf.size;
  }

  get threshold(): number {
    return this.options.threshold;
  }

  /** Adds or replaces open needs, and removes those no longer open. */
  apply(changes: { need: SearchableNeed; open: boolean }[]): void {
    for (const change of changes) this.change(change);
    if (this.drifted()) for (const entry of this.renorming()) this.norm(entry);
  }

  /**
   * Like apply, giving the event loop back every `sliceMs`: a first build over
   * 100,000 needs is seconds of CPU, and the server must go on answering
   * meanwhile. Nothing else may change or search the index until it resolves.
   */
  async applyInSlices(changes: { need: SearchableNeed; open: boolean }[], sliceMs = 10): Promise<void> {
    let sliceStart = performance.now();
    const pause = async () => {
      if (performance.now() - sliceStart < sliceMs) return;
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    };
    for (const change of changes) {
      this.change(change);
      await pause();
    }
    if (!this.drifted()) return;
    for (const entry of this.renorming()) {
      this.norm(entry);
      await pause();
    }
  }

  private change({ need, open }: { need: SearchableNeed; open: boolean }): void {
    this.remove(need.id);
    if (open) this.add(need);
  }

  /** Norms are weighed with the IDF of their time: refresh them all when the index has grown or shrunk by a tenth. */
  private drifted(): boolean {
    return Math.abs(this.entries.size - this.normedAt) > this.normedAt / 10;
  }

  /** The needs most similar to `text` at or above the threshold, most similar first. */
  search(text: string, limit = 3, { lang, exclude }: Pick<ScoredQuery, "lang" | "exclude"> = {}): number[] {
    return this.scored(text, { limit, lang, exclude }).map((s) => s.id);
  }

  /** Like search, with the similarity of each; `threshold` 0 ranks every need that shares anything. */
  scored(text: string, { limit = 3, lang, threshold = this.options.threshold, exclude }: ScoredQuery = {}): Scored[] {
    if (this.options.decision === "absolute") return this.ranked(text, { lang, exclude, min: threshold }).slice(0, limit);
    const ranked = this.ranked(text, { lang, exclude });
    const cut = this.cutOff(ranked, threshold);
    return ranked.filter((s) => s.score >= cut).slice(0, limit);
  }

  /** The lowest similarity suggested for this ranking by a relative decision. */
  private cutOff(ranked: Scored[], threshold: number): number {
    const background = ranked.slice(1, 1 + BACKGROUND).map((s) => s.score);
    if (background.length === 0) return 0;
    if (this.options.decision === "median") return threshold * background.sort((a, b) => a - b)[Math.floor(background.length / 2)];
    const mean = background.reduce((a, b) => a + b, 0) / background.length;
    const sd = Math.sqrt(background.reduce((a, b) => a + (b - mean) ** 2, 0) / background.length);
    return mean + threshold * sd;
  }

  /** Every need sharing a term with `text` (but `exclude`) and scoring `min` or more, most similar first. */
  ranked(text: string, { lang, exclude, min = 0 }: Omit<ScoredQuery, "limit" | "threshold"> & { min?: number } = {}): Scored[] {
    if (this.entries.size === 0 || !text.trim()) return [];
    const first = analyse(text, lang, this.analysisOptions);
    // Unsure of the language: both analyses, each need keeping its better score.
    const analyses = first.lang ? [first] : (["sv", "en"] as const).map((l) => analyse(text, l, this.analysisOptions));
    const best = new Map<number, number>();
    for (const a of analyses) {
      for (const [needId, score] of this.scoreAll(a)) if (score > (best.get(needId) ?? 0)) best.set(needId, score);
    }
    if (exclude !== undefined) best.delete(exclude);
    return [...best]
      .filter(([, score]) => score >= min && score > 0)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([id, score]) => ({ id, score }));
  }

  private idf(postings: Postings, term: string): number {
    const df = postings.df(term);
    return df === 0 ? 0 : Math.log(1 + this.entries.size / df);
  }

  /** BM25's IDF; a term no need holds counts as held by one (the text's own, were it saved). */
  private bm25Idf(postings: Postings, term: string): number {
    const df = Math.max(1, postings.df(term));
    return Math.log(1 + (this.entries.size - df + 0.5) / (df + 0.5));
  }

  /** BM25's saturated term frequency of `tf` in a text of `length` terms. */
  private saturate(kind: Kind, tf: number, length: number): number {
    const { k1, b } = this.options;
    const mean = this.totalLength[kind] / this.entries.size || 1;
    return (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / mean));
  }

  /**
   * Similarity of the query with every entry sharing a term, per need: the
   * cosine of TF-IDF vectors, or the BM25 score over the query's score
   * against itself; stems and n-grams each, mixed by gramWeight.
   */
  private scoreAll(query: Analysis): Map<number, number> {
    const bm25 = this.options.scoring === "bm25";
    const q = { words: weigh([], query.words, 1), grams: weigh([], query.grams, 1) };
    const dots = { words: new Map<number, number>(), grams: new Map<number, number>() };
    const shared = new Map<number, number>();
    // Cosine: the query vector's length; BM25: the query's score against itself.
    const qNorm = { words: 0, grams: 0 };
    const common: { kind: Kind; term: string; weight: number }[] = [];
    const commonDf = Math.max(COMMON_MIN_DF, this.entries.size * COMMON_SHARE);
    const add = (kind: Kind, entryId: number, weight: number, dw: number) => {
      const value = bm25 ? weight * this.saturate(kind, dw, this.entries.get(entryId)!.lengths[kind]) : weight * dw;
      dots[kind].set(entryId, (dots[kind].get(entryId) ?? 0) + value);
      if (kind === "words") shared.set(entryId, (shared.get(entryId) ?? 0) + 1);
    };
    for (const kind of KINDS) {
      const postings = this[kind];
      const queryLength = query[kind].length;
      for (const [term, tf] of q[kind]) {
        let weight: number;
        if (bm25) {
          weight = this.bm25Idf(postings, term);
          qNorm[kind] += weight * this.saturate(kind, tf, queryLength);
          if (postings.df(term) === 0) continue;
        } else {
          const idf = this.idf(postings, term);
          if (idf === 0) continue;
          qNorm[kind] += (tf * idf) ** 2;
          weight = tf * idf * idf;
        }
        // A term most needs hold cannot make a need similar on its own: it only adds to needs found by rarer terms (below).
        if (postings.df(term) > commonDf) common.push({ kind, term, weight });
        else for (const [entryId, dw] of postings.byTerm.get(term)!) add(kind, entryId, weight, dw);
      }
      if (!bm25) qNorm[kind] = Math.sqrt(qNorm[kind]);
    }
    let candidates = new Set([...dots.words.keys(), ...dots.grams.keys()]);
    if (candidates.size === 0 && common.length > 0) candidates = this.latestHolding(common);
    for (const { kind, term, weight } of common) {
      const list = this[kind].byTerm.get(term)!;
      for (const entryId of candidates) {
        const dw = list.get(entryId);
        if (dw !== undefined) add(kind, entryId, weight, dw);
      }
    }
    const useGrams = this.options.gramWeight;
    const scores = new Map<number, number>();
    for (const entryId of candidates) {
      if ((shared.get(entryId) ?? 0) < this.options.minShared) continue;
      const entry = this.entries.get(entryId)!;
      const share = (kind: Kind) => {
        const d = dots[kind].get(entryId) ?? 0;
        return d === 0 ? 0 : Math.min(1, d / (qNorm[kind] * (bm25 ? 1 : entry.norms[kind])));
      };
      const score = (1 - useGrams) * share("words") + useGrams * share("grams");
      if (score > (scores.get(entry.needId) ?? 0)) scores.set(entry.needId, score);
    }
    return scores;
  }

  /**
   * The entries changed last that hold the rarest of `terms`: a posting list is
   * in the order entries were added, and a changed need gets a new entry id.
   */
  private latestHolding(terms: { kind: "words" | "grams"; term: string }[]): Set<number> {
    const df = (t: { kind: "words" | "grams"; term: string }) => this[t.kind].df(t.term);
    const rarest = terms.reduce((a, b) => (df(b) < df(a) ? b : a));
    return new Set([...this[rarest.kind].byTerm.get(rarest.term)!.keys()].slice(-COMMON_ONLY_CANDIDATES));
  }

  private add(need: SearchableNeed): void {
    const lang = analyse(`${need.title}\n${need.problem}`, null, this.analysisOptions).lang;
    const ids: number[] = [];
    for (const l of lang ? [lang] : (["sv", "en"] as const)) {
      const title = analyse(need.title, l, this.analysisOptions);
      const problem = analyse(need.problem, l, this.analysisOptions);
      const { titleWeight } = this.options;
      const entry: Entry = {
        needId: need.id,
        words: weigh(title.words, problem.words, titleWeight),
        grams: weigh(title.grams, problem.grams, titleWeight),
        norms: { words: 0, grams: 0 },
        lengths: { words: 0, grams: 0 },
      };
      for (const kind of KINDS) {
        entry.lengths[kind] = lengthOf(entry[kind]);
        this.totalLength[kind] += entry.lengths[kind];
      }
      const id = this.nextEntry++;
      this.entries.set(id, entry);
      this.words.add(id, entry.words);
      this.grams.add(id, entry.grams);
      ids.push(id);
    }
    for (const id of ids) this.norm(this.entries.get(id)!);
    this.entriesOf.set(need.id, ids);
  }

  private remove(needId: number): void {
    for (const id of this.entriesOf.get(needId) ?? []) {
      const entry = this.entries.get(id)!;
      this.words.remove(id, entry.words);
      this.grams.remove(id, entry.grams);
      for (const kind of KINDS) this.totalLength[kind] -= entry.lengths[kind];
      this.entries.delete(id);
    }
    this.entriesOf.delete(needId);
  }

  private norm(entry: Entry): void {
    for (const kind of KINDS) {
      let sum = 0;
      for (const [term, w] of entry[kind]) sum += (w * this.idf(this[kind], term)) ** 2;
      entry.norms[kind] = Math.sqrt(sum);
    }
  }

  /** Every entry, to be normed again with today's IDF (the caller norms them). */
  private renorming(): Entry[] {
    this.normedAt = this.entries.size;
    return [...this.entries.values()];
  }
}

/** One-off search over a list (tests and small sets). */
export function findSimilar<T extends SearchableNeed>(candidates: T[], text: string, limit = 3): T[] {
  const index = new SimilarityIndex();
  index.apply(candidates.map((need) => ({ need, open: true })));
  const byId = new Map(candidates.map((c) => [c.id, c]));
  return index.search(text, limit).map((id) => byId.get(id)!);
}
