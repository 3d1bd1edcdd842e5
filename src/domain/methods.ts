// Work package 3's catalogue of methods and tools: found in chat with the same
// text analysis as similar needs, edited in chat by admins and the lead (or
// deputy) of the owning work package, and attached to needs at acceptance.
import type { Store } from "../store/index.ts";
import { DomainError, ValidationError, type FieldError } from "./errors.ts";
import { parseId } from "./ids.ts";
import { isAdmin } from "./permissions.ts";
import { findSimilar } from "./similarity.ts";
import { normaliseText, singleLine } from "./text.ts";
import { SUSTAINABILITY_AREAS, type Locale, type Person, type SustainabilityArea } from "./types.ts";

export const EFFORTS = ["low", "medium", "high"] as const;
export type Effort = (typeof EFFORTS)[number];

export const METHOD_LIMITS = { name: 200, description: 2000, goodFor: 1000, links: 10, tags: 20, tag: 40, url: 500 } as const;
/** Methods a search answers with: each is a card of its own. */
export const METHODS_SHOWN = 5;

/** What a method says about itself, in Swedish and English (the *En fields), and its effort. */
export interface MethodTexts {
  name: string;
  nameEn: string;
  description: string;
  descriptionEn: string;
  goodFor: string;
  goodForEn: string;
  effort: Effort;
}

/** The texts and effort of anything carrying them: one list of fields for the file, the database and chat. */
export function methodTexts(m: MethodTexts): MethodTexts {
  return { name: m.name, nameEn: m.nameEn, description: m.description, descriptionEn: m.descriptionEn, goodFor: m.goodFor, goodForEn: m.goodForEn, effort: m.effort };
}

export interface Method extends MethodTexts {
  id: number;
  code: string;
  contactId: number | null;
  contactName: string | null;
  links: string[];
  tags: string[];
  sustainability: SustainabilityArea[];
  workPackageId: number | null;
  workPackageCode: string | null;
  active: boolean;
}

/** The fields a person edits in chat. */
export type MethodEdit = MethodTexts & Pick<Method, "links" | "tags">;

/** Links are https only: no other scheme, no credentials in the URL. */
export function isHttpsUrl(value: string): boolean {
  if (value.length > METHOD_LIMITS.url) return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" && !url.username && !url.password && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** A text in the reader's language, the other language when that is empty. */
export function localised(locale: Locale, sv: string, en: string): string {
  return (locale === "en" ? en || sv : sv || en).trim();
}

/** A method's name in the reader's language (`reader`: a card's or a page's context). */
export function methodName(reader: { locale: Locale }, method: Pick<Method, "name" | "nameEn">): string {
  return localised(reader.locale, method.name, method.nameEn);
}

/**
 * The best matches for `words` among `methods`, through the need similarity
 * analysis (the one place methods use it): names and tags weigh as a need's
 * title, descriptions and "good for" as its problem. No words: all, by name.
 */
export function searchMethods(methods: Method[], words: string, limit = METHODS_SHOWN): Method[] {
  if (!words.trim()) return [...methods].sort((a, b) => a.name.localeCompare(b.name, "sv")).slice(0, limit);
  const searchable = methods.map((m) => ({
    id: m.id,
    reference: m.code,
    title: [m.name, m.nameEn, m.tags.join(" ")].join("\n"),
    problem: [m.description, m.descriptionEn, m.goodFor, m.goodForEn].join("\n"),
    method: m,
  }));
  return findSimilar(searchable, words, limit).map((s) => s.method);
}

const text = (value: unknown) => (typeof value === "string" ? normaliseText(value).trim() : "");
/** The entries of a list field, split at `separator`, each a single line. */
const list = (value: unknown, separator: RegExp) =>
  text(value)
    .split(separator)
    .map((s) => singleLine(s))
    .filter(Boolean);

/** Reads and checks a chat edit; every invalid field is named at once. */
export function parseMethodEdit(data: Record<string, unknown>): MethodEdit {
  const errors: Record<string, FieldError> = {};
  const tooLong = (field: string, value: string, max: number) => {
    if (value.length > max) errors[field] = { key: "validation.tooLong", params: { max } };
  };
  const name = singleLine(text(data.name));
  if (!name) errors.name = { key: "validation.required" };
  tooLong("name", name, METHOD_LIMITS.name);
  const nameEn = singleLine(text(data.nameEn));
  tooLong("nameEn", nameEn, METHOD_LIMITS.name);
  const texts = { description: text(data.description), descriptionEn: text(data.descriptionEn), goodFor: text(data.goodFor), goodForEn: text(data.goodForEn) };
  tooLong("description", texts.description, METHOD_LIMITS.description);
  tooLong("descriptionEn", texts.descriptionEn, METHOD_LIMITS.description);
  tooLong("goodFor", texts.goodFor, METHOD_LIMITS.goodFor);
  tooLong("goodForEn", texts.goodForEn, METHOD_LIMITS.goodFor);
  const effort = text(data.effort) || "medium";
  if (!(EFFORTS as readonly string[]).includes(effort)) errors.effort = { key: "validation.invalidChoice" };
  // URLs hold no whitespace but may hold commas; tags are separated by commas or lines.
  const links = list(data.links, /\s+/);
  if (links.some((l) => !isHttpsUrl(l))) errors.links = { key: "methods.error.links" };
  else if (links.length > METHOD_LIMITS.links) errors.links = { key: "validation.tooMany", params: { max: METHOD_LIMITS.links } };
  const tags = [...new Set(list(data.tags, /[\n,]+/).map((t) => t.toLocaleLowerCase("sv")))];
  if (tags.length > METHOD_LIMITS.tags) errors.tags = { key: "validation.tooMany", params: { max: METHOD_LIMITS.tags } };
  else if (tags.some((t) => t.length > METHOD_LIMITS.tag)) errors.tags = { key: "validation.tooLong", params: { max: METHOD_LIMITS.tag } };
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return { name, nameEn, ...texts, effort: effort as Effort, links, tags };
}

export const isSustainabilityArea = (v: string): v is SustainabilityArea => (SUSTAINABILITY_AREAS as readonly string[]).includes(v);

export function createMethodService(store: Store) {
  async function load(methodId: unknown): Promise<Method> {
    const id = parseId(methodId);
    const method = id ? await store.methods.byId(id) : null;
    if (!method || !method.active) throw new DomainError("not_found", `method ${String(methodId)}`);
    return method;
  }

  /** Admins, and the lead or deputy of the work package that owns the method. */
  async function canEdit(person: Person, method: Method): Promise<boolean> {
    if (isAdmin(person)) return true;
    if (method.workPackageId === null) return false;
    const wp = await store.workPackages.byId(method.workPackageId);
    return !!wp && wp.active && (wp.leadId === person.id || wp.deputyId === person.id);
  }

  /** A method to edit; refused unless this person may edit it. */
  async function editable(person: Person, methodId: unknown): Promise<Method> {
    const method = await load(methodId);
    if (!(await canEdit(person, method))) throw new DomainError("forbidden", `person ${person.id} may not edit method ${method.code}`);
    return method;
  }

  return {
    canEdit,
    editable,

    /** The best matches, each with whether this person may edit it. */
    async search(person: Person, words: string): Promise<{ method: Method; editable: boolean }[]> {
      const found = searchMethods(await store.methods.active(), words);
      return Promise.all(found.map(async (method) => ({ method, editable: await canEdit(person, method) })));
    },

    /** Saves a chat edit, with an audit entry; checked again on the server, whatever the card said. */
    async edit(person: Person, data: Record<string, unknown>): Promise<Method> {
      const method = await editable(person, data.methodId);
      const patch = parseMethodEdit(data);
      return store.transaction(async (tx) => {
        const updated = await tx.methods.update(method.id, patch);
        await tx.audit.record({ actorId: person.id, action: "method.edit", subject: `method:${method.code}`, before: method, after: updated });
        return updated;
      });
    },
  };
}
export type MethodService = ReturnType<typeof createMethodService>;
