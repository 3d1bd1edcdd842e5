// Language-aware text analysis for matching free text (similar needs, and
// free-text search elsewhere): words are split, common words dropped
// (stopwords-iso), reduced to their Snowball stem, optionally mapped onto a
// small table of domain synonyms or expanded with English WordNet synonyms
// (both measured, off by default), and long words also give character n-grams so
// that Swedish compounds split or joined differently still meet
// ("parkeringsplatser" / "platser att parkera på"; measured against
// decompounding in bench/similar.ts, see docs/PERFORMANCE.md).
import { createRequire } from "node:module";
import { SYNONYM_TABLE } from "./synonyms.ts";

export type TextLanguage = "sv" | "en";

interface Stemmer {
  stem(word: string): string;
}
// Both packages are CommonJS (stopwords-iso is a JSON file): loaded through require.
const require = createRequire(import.meta.url);
const snowball = require("snowball-stemmers") as { newStemmer(name: string): Stemmer };
const stopwordsIso = require("stopwords-iso") as Record<string, string[]>;
/** English stem → stems of its WordNet synonyms (first sense, same part of speech): scripts/wordnetSynonyms.ts. Read when first used. */
let wordnet: Record<string, string[]> | undefined;
export function wordnetSynonyms(stemmed: string): string[] {
  wordnet ??= require("./data/wordnetSynonyms.en.json") as Record<string, string[]>;
  return wordnet[stemmed] ?? [];
}

/** Words the generic lists drop that carry the substance of a need here ("IT-system", "home care"). */
const KEEP = new Set([
  "system", "systems", "help", "home", "homes", "work", "working", "long", "care", "water", "school",
  "beslut", "arbete", "hjälp", "stöd", "tid", "hem", "vård", "vatten", "skola",
]);
/** Words every need uses ("we need a …", "problemet är …"): they say nothing about which need. */
const DOMAIN_STOP: Record<TextLanguage, string[]> = {
  sv: ["behov", "behovet", "behöver", "behövs", "problem", "problemet", "vill", "idag", "önskar", "finns", "saknas", "få", "också", "väldigt", "vet", "veta", "visste"],
  en: ["need", "needs", "needed", "problem", "today", "want", "wants", "currently", "lot", "lack", "lacks", "missing", "know", "knows", "knew", "people"],
};

const stopwords = (lang: TextLanguage) => new Set([...stopwordsIso[lang], ...DOMAIN_STOP[lang]].filter((w) => !KEEP.has(w)));
const STOP: Record<TextLanguage, Set<string>> = { sv: stopwords("sv"), en: stopwords("en") };
const STEMMERS: Record<TextLanguage, Stemmer> = { sv: snowball.newStemmer("swedish"), en: snowball.newStemmer("english") };

/** Common words of one language only: the evidence for telling the two apart. */
const MARKERS: Record<TextLanguage, Set<string>> = {
  sv: new Set("och att det som en ett är på för med till av inte har de om vi men kan ska vara var när från eller också mycket måste finns blir vid våra vår där här hur vad alla sig inga ingen så nu än efter".split(" ")),
  en: new Set("the and to of is are for with not have has this that we our can should when from or also very must there here how what all their they be been it in on at by no than after".split(" ")),
};

export function tokens(text: string): string[] {
  return text
    .normalize("NFC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length >= 2);
}

/**
 * The language of a text, or null when its words do not tell (short titles,
 * names, mixed text): then both analyses are used.
 */
export function detectLanguage(text: string): TextLanguage | null {
  const words = tokens(text);
  let sv = 0;
  let en = 0;
  for (const w of words) {
    if (MARKERS.sv.has(w)) sv++;
    if (MARKERS.en.has(w)) en++;
    if (/[åäö]/.test(w)) sv += 0.5;
  }
  if (sv >= 2 && sv >= 2 * en) return "sv";
  if (en >= 2 && en >= 2 * sv) return "en";
  return null;
}

/**
 * Stem of one word in one language ("förskolorna" → "förskol", "libraries" →
 * "librari"). Swedish Snowball keeps the definite endings -et and -an
 * ("förskolan", "hemmet", "stadshuset"); they are taken off here too.
 */
export function stem(word: string, lang: TextLanguage): string {
  const s = STEMMERS[lang].stem(word);
  return lang === "sv" && s.length >= 6 && /(et|an)$/.test(s) ? s.slice(0, -2) : s;
}

/** "sv:läxhjälp" → "~homework": a stem in one language to its concept in the synonym table. */
const SYNONYMS = new Map<string, string>(
  SYNONYM_TABLE.flatMap(({ concept, sv, en }) => [
    ...sv.map((w) => [`sv:${stem(w, "sv")}`, `~${concept}`] as const),
    ...en.map((w) => [`en:${stem(w, "en")}`, `~${concept}`] as const),
  ]),
);

export function isStopword(word: string, lang: TextLanguage): boolean {
  return STOP[lang].has(word);
}

export interface AnalysisOptions {
  /** Character n-gram length for long words; 0 for none. */
  gramSize?: number;
  /** Shortest stem that gives n-grams. */
  gramMinLength?: number;
  /** Map stems onto the synonym table's concepts. */
  synonyms?: boolean;
  /** Add the stems of an English word's WordNet synonyms (its first sense only). */
  wordnet?: boolean;
  /**
   * Split Swedish compounds against this word list (words in their base form)
   * and add the parts' stems to the words, in place of n-grams: the alternative to n-grams
   * measured in bench/similar.ts.
   */
  lexicon?: ReadonlySet<string> | null;
}

export interface Analysis {
  /** The language used, or null when both were. */
  lang: TextLanguage | null;
  /** Stems and synonym concepts ("~homework"), in text order, repeated as often as they occur. */
  words: string[];
  /** Character n-grams of the longer stems (compound parts meet here). */
  grams: string[];
}

export const DEFAULT_ANALYSIS: Required<AnalysisOptions> = { gramSize: 4, gramMinLength: 5, synonyms: false, wordnet: false, lexicon: null };

const MIN_PART = 3;
const MIN_TAIL = 4;

/** "parkeringsplatser" → ["parkering", "platser"] when both parts are words (a linking s or e allowed); [] when not a compound. */
export function splitCompound(word: string, lexicon: ReadonlySet<string>): string[] {
  // Longest tail first: "skoluppgifterna" is "skol" + "uppgifterna", not "…gifte" + "rna".
  for (let i = MIN_PART; i <= word.length - MIN_TAIL; i++) {
    const tail = word.slice(i);
    if (/^(erna|arna|orna|ande|ende)$/.test(tail)) continue;
    if (!lexicon.has(tail) && !lexicon.has(tail.replace(/(ar|er|or|na|en|et|n|a|e)$/, ""))) continue;
    const head = word.slice(0, i);
    for (const core of [head, head.replace(/[se]$/, "")]) {
      if (core.length < MIN_PART) continue;
      if (lexicon.has(core)) return [core, tail];
      const inner = splitCompound(core, lexicon);
      if (inner.length > 0) return [...inner, tail];
    }
  }
  return [];
}

function analyseIn(words: string[], lang: TextLanguage, stopIn: TextLanguage[], options: Required<AnalysisOptions>, out: Analysis): void {
  for (const word of words) {
    if (stopIn.some((l) => STOP[l].has(word))) continue;
    const s = stem(word, lang);
    out.words.push(s);
    if (options.synonyms) {
      const concept = SYNONYMS.get(`${lang}:${s}`);
      if (concept) out.words.push(concept);
    }
    if (options.wordnet && lang === "en") out.words.push(...wordnetSynonyms(s));
    if (options.lexicon && lang === "sv") {
      for (const part of splitCompound(word, options.lexicon)) out.words.push(stem(part, lang));
      continue;
    }
    if (options.gramSize > 0 && s.length >= options.gramMinLength && !/^\p{N}+$/u.test(s)) {
      for (let i = 0; i + options.gramSize <= s.length; i++) out.grams.push(s.slice(i, i + options.gramSize));
    }
  }
}

/**
 * Analyses a text in `lang`, or in the language detected; when unsure, in
 * both (a word dropped as common in either language is dropped).
 */
export function analyse(text: string, lang?: TextLanguage | null, options: AnalysisOptions = {}): Analysis {
  const opts = { ...DEFAULT_ANALYSIS, ...options };
  const words = tokens(text);
  const chosen = lang ?? detectLanguage(text);
  const out: Analysis = { lang: chosen, words: [], grams: [] };
  if (chosen) analyseIn(words, chosen, [chosen], opts, out);
  else for (const l of ["sv", "en"] as const) analyseIn(words, l, ["sv", "en"], opts, out);
  return out;
}
