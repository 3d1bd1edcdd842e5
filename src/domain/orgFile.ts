// The organisation file (samordna.org.yaml): its format, and validation that
// names the line and field of every problem. Checks that need the database
// (is this e-mail a person?) take what they need as arguments.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { z } from "zod";
import { cadenceProblem, DEFAULT_CADENCE, isTimeZone } from "./cadence.ts";
import { SETTINGS } from "./settings.ts";
import { INITIATIVE_STAGES, LOCALES } from "./types.ts";

const email = z.string().trim().toLowerCase().pipe(z.email("is not an e-mail address"));
const code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, "must be 1–32 letters, digits, '.', '_' or '-'");
const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

const departmentSchema = z.strictObject({
  code,
  name: text(200),
  nameEn: text(200).optional(),
  active: z.boolean().default(true),
});

const personSchema = z.strictObject({
  email,
  name: text(200),
  /** Language for a person created from the file; a person's own choice in chat wins afterwards. */
  locale: z.enum(LOCALES).optional(),
  department: code.optional(),
});

const workPackageSchema = z.strictObject({
  code,
  name: text(200),
  description: z.string().trim().max(2000).default(""),
  lead: email.optional(),
  deputy: email.optional(),
  cadence: z.string().trim().default(DEFAULT_CADENCE),
  timezone: z.string().optional(),
  active: z.boolean().default(true),
  /** Only changed when given, so a pause set in chat survives an apply. */
  pingsPaused: z.boolean().optional(),
});

const initiativeSchema = z.strictObject({
  code,
  title: text(200),
  stage: z.enum(INITIATIVE_STAGES).default("idea"),
  owner: email.optional(),
  workPackage: code.optional(),
  active: z.boolean().default(true),
});

const channelSchema = z
  .strictObject({
    teams: z.string().trim().min(1).optional(),
    slack: z
      .string()
      .trim()
      .regex(/^[CGD][A-Z0-9]{2,}$/, "must be a Slack channel id such as C0123ABCD")
      .optional(),
  })
  .refine((c) => (c.teams === undefined) !== (c.slack === undefined), "give exactly one of teams or slack");

export const orgFileSchema = z.strictObject({
  version: z.literal(1),
  /** Default time zone of the work packages' cadences. */
  timezone: z.string().optional(),
  departments: z.array(departmentSchema).default([]),
  people: z.array(personSchema).default([]),
  coordinators: z.array(email).default([]),
  /** Who may write announcements (work package 4), besides coordinators and admins. */
  communicators: z.array(email).default([]),
  admins: z.array(email).default([]),
  workPackages: z.array(workPackageSchema).default([]),
  initiatives: z.array(initiativeSchema).default([]),
  digest: z.strictObject({ channels: z.array(channelSchema) }).optional(),
  /** Channels the announcement form offers (work package 4). */
  announcements: z.strictObject({ channels: z.array(channelSchema) }).optional(),
  triage: z.strictObject({ targetWorkingDays: SETTINGS["triage.targetWorkingDays"].schema }).optional(),
  reminders: z.strictObject({ afterWorkingDays: SETTINGS["statusPings.dueWorkingDays"].schema, max: SETTINGS["statusPings.maxReminders"].schema }).optional(),
});

export type OrgFile = z.output<typeof orgFileSchema>;
export type Path = (string | number)[];

export interface OrgFileIssue {
  /** 1-based line in the file, when the place could be found. */
  line?: number;
  path: Path;
  message: string;
}

/** A file that cannot be applied; `issues` name every problem found. */
export class OrgFileError extends Error {
  constructor(
    readonly file: string,
    readonly issues: OrgFileIssue[],
  ) {
    issues = [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    super(`${file}: ${issues.length} problem(s), nothing applied:\n${issues.map((i) => `  ${formatIssue(file, i)}`).join("\n")}`);
    this.name = "OrgFileError";
  }
}

export function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("") || "(file)";
}

export function formatIssue(file: string, issue: OrgFileIssue): string {
  return `${file}${issue.line ? `:${issue.line}` : ""}: ${formatPath(issue.path)}: ${issue.message}`;
}

/** A parsed, schema-valid file and a way back to its lines. */
export interface ParsedOrgFile {
  file: string;
  org: OrgFile;
  /** The line of the deepest node that exists on `path`. */
  lineOf(path: Path): number | undefined;
}

export function parseOrgFile(source: string, file: string, options: { defaultTimezone: string }): ParsedOrgFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const line = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);

  if (doc.errors.length > 0) {
    throw new OrgFileError(
      file,
      doc.errors.map((e) => ({ line: line(e.pos[0]), path: [], message: `YAML: ${e.message.split("\n")[0]}` })),
    );
  }

  /** The node at `path`, or the key node of `key` inside it. */
  function lineOf(path: Path, key?: string): number | undefined {
    let node: unknown = doc.contents;
    let found = line((node as Node | null)?.range?.[0]);
    for (const step of key === undefined ? path : [...path, key]) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === step);
        if (!pair) break;
        const keyLine = line((pair.key as Node).range?.[0]);
        if (step === key) return keyLine;
        node = pair.value;
        found = line((node as Node | null)?.range?.[0]) ?? keyLine;
      } else if (isSeq(node) && typeof step === "number" && node.items[step]) {
        node = node.items[step];
        found = line((node as Node).range?.[0]) ?? found;
      } else break;
    }
    return found;
  }

  const parsed = orgFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((i): OrgFileIssue[] => {
      const path = i.path.filter((p): p is string | number => typeof p !== "symbol");
      if (i.code === "unrecognized_keys") {
        return i.keys.map((key) => ({ line: lineOf(path, key), path: [...path, key], message: "unknown key" }));
      }
      return [{ line: lineOf(path), path, message: i.message }];
    });
    throw new OrgFileError(file, issues);
  }

  const result: ParsedOrgFile = { file, org: parsed.data, lineOf: (path) => lineOf(path) };
  const issues = checkConsistency(result, options.defaultTimezone);
  if (issues.length > 0) throw new OrgFileError(file, issues);
  return result;
}

/** Rules across entries: unique codes and e-mails, known departments and work packages, cadences, deputies. */
function checkConsistency(parsed: ParsedOrgFile, defaultTimezone: string): OrgFileIssue[] {
  const { org } = parsed;
  const issues: OrgFileIssue[] = [];
  const issue = (path: Path, message: string) => issues.push({ line: parsed.lineOf(path), path, message });

  function unique<T>(list: T[], section: string, field: string, keyOf: (item: T) => string, what: string) {
    const seen = new Map<string, number>();
    list.forEach((item, i) => {
      const key = keyOf(item).toLowerCase();
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else issue([section, i, field], `${what} "${keyOf(item)}" is already used by ${section}[${first}] (line ${parsed.lineOf([section, first]) ?? "?"})`);
    });
  }
  unique(org.departments, "departments", "code", (d) => d.code, "department code");
  unique(org.people, "people", "email", (p) => p.email, "e-mail");
  unique(org.workPackages, "workPackages", "code", (w) => w.code, "work package code");
  unique(org.initiatives, "initiatives", "code", (i) => i.code, "initiative code");

  const departments = new Set(org.departments.map((d) => d.code));
  org.people.forEach((p, i) => {
    if (p.department && !departments.has(p.department)) issue(["people", i, "department"], `department "${p.department}" is not in departments`);
  });

  if (org.timezone !== undefined && !isTimeZone(org.timezone)) issue(["timezone"], `"${org.timezone}" is not a known IANA time zone`);
  org.workPackages.forEach((wp, i) => {
    const tz = wp.timezone ?? org.timezone ?? defaultTimezone;
    if (wp.timezone !== undefined && !isTimeZone(wp.timezone)) issue(["workPackages", i, "timezone"], `"${wp.timezone}" is not a known IANA time zone`);
    else {
      const problem = cadenceProblem(wp.cadence, tz);
      if (problem) issue(["workPackages", i, "cadence"], problem);
    }
  });
  issues.push(...deputyCycles(parsed));

  const workPackages = new Set(org.workPackages.map((w) => w.code));
  org.initiatives.forEach((ini, i) => {
    if (ini.workPackage && !workPackages.has(ini.workPackage)) {
      issue(["initiatives", i, "workPackage"], `work package "${ini.workPackage}" is not in workPackages`);
    }
  });
  return issues;
}

/**
 * A deputy answers when the lead is away, so a work package's stand-in chain
 * (lead → deputy) must reach a second person: a deputy who is the lead is a
 * cycle that leaves nobody to ask. Co-leads deputising for each other on two
 * packages (WP1: A→B, WP2: B→A) are not a cycle: each package has two people.
 */
function deputyCycles(parsed: ParsedOrgFile): OrgFileIssue[] {
  const issues: OrgFileIssue[] = [];
  parsed.org.workPackages.forEach((wp, i) => {
    if (wp.lead && wp.deputy && wp.lead === wp.deputy) {
      const path = ["workPackages", i, "deputy"];
      issues.push({ line: parsed.lineOf(path), path, message: `${wp.deputy} is the lead of ${wp.code} and cannot be its own deputy` });
    }
  });
  return issues;
}

/** Every e-mail the file names as lead, deputy, owner, coordinator or admin, with where it is named. */
export function namedPeople(org: OrgFile): { email: string; path: Path }[] {
  return [
    ...org.workPackages.flatMap((wp, i) => [
      ...(wp.lead ? [{ email: wp.lead, path: ["workPackages", i, "lead"] }] : []),
      ...(wp.deputy ? [{ email: wp.deputy, path: ["workPackages", i, "deputy"] }] : []),
    ]),
    ...org.initiatives.flatMap((ini, i) => (ini.owner ? [{ email: ini.owner, path: ["initiatives", i, "owner"] }] : [])),
    ...org.coordinators.map((e, i) => ({ email: e, path: ["coordinators", i] })),
    ...org.communicators.map((e, i) => ({ email: e, path: ["communicators", i] })),
    ...org.admins.map((e, i) => ({ email: e, path: ["admins", i] })),
  ];
}

/** Named people who are neither in the file's people nor among `knownEmails` (people in the database). */
export function unknownPeople(parsed: ParsedOrgFile, knownEmails: Set<string>): OrgFileIssue[] {
  const listed = new Set(parsed.org.people.map((p) => p.email));
  return namedPeople(parsed.org)
    .filter((n) => !listed.has(n.email) && !knownEmails.has(n.email))
    .map((n) => ({
      line: parsed.lineOf(n.path),
      path: n.path,
      message: `${n.email} is not a person of the organisation (add them under people)`,
    }));
}
