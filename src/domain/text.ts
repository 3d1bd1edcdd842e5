// What people type, made safe to store and show without changing what they
// meant: well-formed Unicode in NFC, and in single-line fields (titles, names)
// no invisible or direction-overriding characters, which can hide a need or
// make its text read differently from what is stored.

/** A lone UTF-16 surrogate (half of a pair, e.g. from a cut string): cannot be stored as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Zero-width characters with no job in a title, and bidirectional controls
 * (embeddings, overrides, isolates, marks). Zero-width joiners (U+200C/U+200D)
 * stay: emoji sequences and some scripts need them.
 */
const INVISIBLE = /[\u200B\u2060\uFEFF\u180E\u00AD\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Characters that show nothing on their own: a text of only these is empty. */
const NOTHING_VISIBLE = /^[\s\u200C\u200D\uFE00-\uFE0F]*$/u;

/** Any text field: lone surrogates become U+FFFD (the rest of the input is kept), then NFC. */
export function normaliseText(value: string): string {
  return value.replace(LONE_SURROGATE, "\uFFFD").normalize("NFC");
}

/** A single-line field: normalised, invisible and bidi control characters removed, line breaks as spaces, trimmed. */
export function singleLine(value: string): string {
  return normaliseText(value).replace(INVISIBLE, "").replace(/[\r\n\u2028\u2029]+/g, " ").trim();
}

/** True when nothing of `value` would be seen. */
export function isBlank(value: string): boolean {
  return NOTHING_VISIBLE.test(value);
}
