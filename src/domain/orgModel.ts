// The organisation as one comparable model: what the database holds and what a
// file asks for reduce to the same shape, so the diff (added, changed,
// deactivated) and the export are plain functions of it.
import { stringify } from "yaml";
import { channelAddress, decodeAddress } from "./addresses.ts";
import type { OrgFile } from "./orgFile.ts";
import { ORG_FILE_SETTINGS, type KeyOfOrgFilePath, type OrgFilePath, type SettingValue } from "./settings.ts";
import type { InitiativeStage, Locale, Role } from "./types.ts";

/** The roles the organisation file manages; `employee` belongs to everyone and is never touched. */
export const MANAGED_ROLES = ["lead", "coordinator", "communicator", "admin"] as const satisfies readonly Role[];
export type ManagedRole = (typeof MANAGED_ROLES)[number];

export interface DepartmentEntry {
  code: string;
  name: string;
  nameEn: string | null;
  active: boolean;
}
export interface PersonEntry {
  email: string;
  name: string;
  locale: Locale;
  department: string | null;
  roles: ManagedRole[];
}
export interface WorkPackageEntry {
  code: string;
  name: string;
  description: string;
  lead: string | null;
  deputy: string | null;
  cadence: string;
  timezone: string;
  active: boolean;
  pingsPaused: boolean;
}
export interface InitiativeEntry {
  code: string;
  title: string;
  stage: InitiativeStage;
  owner: string | null;
  workPackage: string | null;
  active: boolean;
}
/** Settings the file manages, by their path in the file; the registry (settings.ts) maps each path to its storage key. */
export type OrgSettings = { [P in OrgFilePath]?: SettingValue<KeyOfOrgFilePath<P>> };
export const ORG_SETTING_KEYS: readonly OrgFilePath[] = ORG_FILE_SETTINGS.map((s) => s.path);

export interface OrgModel {
  departments: DepartmentEntry[];
  people: PersonEntry[];
  workPackages: WorkPackageEntry[];
  initiatives: InitiativeEntry[];
  settings: OrgSettings;
}

export type EntityKind = "department" | "person" | "workPackage" | "initiative" | "setting";
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}
export interface OrgChange {
  kind: "added" | "changed" | "deactivated";
  entity: EntityKind;
  /** Code, e-mail or the setting's path in the file. */
  key: string;
  fields: FieldChange[];
}

const byKey = <T>(list: T[], key: (item: T) => string) => new Map(list.map((item) => [key(item), item]));
const sortedRoles = (roles: Iterable<ManagedRole>) => MANAGED_ROLES.filter((r) => new Set(roles).has(r));

/**
 * Who holds the lead role: everyone who leads or deputises an active work
 * package or owns an active initiative. One rule for the file and for chat.
 */
export function leadEmails(model: Pick<OrgModel, "workPackages" | "initiatives">): Set<string> {
  const leads = new Set<string>();
  for (const wp of model.workPackages) {
    if (!wp.active) continue;
    if (wp.lead) leads.add(wp.lead);
    if (wp.deputy) leads.add(wp.deputy);
  }
  for (const ini of model.initiatives) if (ini.active && ini.owner) leads.add(ini.owner);
  return leads;
}

/**
 * The organisation as the file wants it, starting from `current`: entries the
 * file leaves out are deactivated (departments, work packages, initiatives) or
 * keep their other data (people), and settings the file omits stay as they are.
 */
export function desiredModel(org: OrgFile, current: OrgModel, defaults: { timezone: string; locale: Locale }): OrgModel {
  const currentWps = byKey(current.workPackages, (w) => w.code);
  const currentPeople = byKey(current.people, (p) => p.email);

  const departments: DepartmentEntry[] = org.departments.map((d) => ({ code: d.code, name: d.name, nameEn: d.nameEn ?? null, active: d.active }));
  const workPackages: WorkPackageEntry[] = org.workPackages.map((w) => ({
    code: w.code,
    name: w.name,
    description: w.description,
    lead: w.lead ?? null,
    deputy: w.deputy ?? null,
    cadence: w.cadence.trim().replace(/\s+/g, " "),
    timezone: w.timezone ?? org.timezone ?? defaults.timezone,
    active: w.active,
    pingsPaused: w.pingsPaused ?? currentWps.get(w.code)?.pingsPaused ?? false,
  }));
  const initiatives: InitiativeEntry[] = org.initiatives.map((i) => ({
    code: i.code,
    title: i.title,
    stage: i.stage,
    owner: i.owner ?? null,
    workPackage: i.workPackage ?? null,
    active: i.active,
  }));
  const keep = <T extends { code: string; active: boolean }>(wanted: T[], have: T[]) => {
    const codes = new Set(wanted.map((w) => w.code));
    return [...wanted, ...have.filter((h) => !codes.has(h.code)).map((h) => ({ ...h, active: false }))];
  };

  const structure = { workPackages: keep(workPackages, current.workPackages), initiatives: keep(initiatives, current.initiatives) };
  const leads = leadEmails(structure);
  const coordinators = new Set(org.coordinators);
  const communicators = new Set(org.communicators);
  const admins = new Set(org.admins);
  const rolesOf = (email: string) =>
    sortedRoles([
      ...(leads.has(email) ? ["lead" as const] : []),
      ...(coordinators.has(email) ? ["coordinator" as const] : []),
      ...(communicators.has(email) ? ["communicator" as const] : []),
      ...(admins.has(email) ? ["admin" as const] : []),
    ]);

  const listed = byKey(org.people, (p) => p.email);
  const people: PersonEntry[] = [
    ...org.people.map((p) => ({
      email: p.email,
      name: p.name,
      locale: currentPeople.get(p.email)?.locale ?? p.locale ?? defaults.locale,
      department: p.department ?? null,
      roles: rolesOf(p.email),
    })),
    ...current.people.filter((p) => !listed.has(p.email)).map((p) => ({ ...p, roles: rolesOf(p.email) })),
  ];

  const settings: OrgSettings = { ...current.settings };
  const addresses = (channels: { teams?: string; slack?: string }[]) => channels.map((c) => (c.teams !== undefined ? channelAddress("teams", c.teams) : channelAddress("slack", c.slack!)));
  if (org.digest) settings["digest.channels"] = addresses(org.digest.channels);
  if (org.announcements) settings["announcements.channels"] = addresses(org.announcements.channels);
  if (org.triage) settings["triage.targetWorkingDays"] = org.triage.targetWorkingDays;
  if (org.reminders) {
    settings["reminders.afterWorkingDays"] = org.reminders.afterWorkingDays;
    settings["reminders.max"] = org.reminders.max;
  }

  return { departments: keep(departments, current.departments), people, ...structure, settings };
}

function compare<T extends object>(entity: EntityKind, key: string, from: T | undefined, to: T, ignore: (keyof T)[] = []): OrgChange | null {
  if (!from) {
    // What a new entry brings, leaving out what is empty or the default.
    const fields = (Object.entries(to) as [string, unknown][])
      .filter(([f, v]) => f !== "code" && f !== "email" && !(f === "active" && v === true) && v !== null && v !== "" && v !== false && !(Array.isArray(v) && v.length === 0))
      .map(([field, v]) => ({ field, from: null, to: v }));
    return { kind: "added", entity, key, fields };
  }
  const fields = (Object.keys(to) as (keyof T)[])
    .filter((f) => !ignore.includes(f) && JSON.stringify(from[f]) !== JSON.stringify(to[f]))
    .map((f) => ({ field: String(f), from: from[f], to: to[f] }));
  if (fields.length === 0) return null;
  const deactivated = fields.length === 1 && fields[0].field === "active" && fields[0].to === false;
  return { kind: deactivated ? "deactivated" : "changed", entity, key, fields };
}

/** What applying `desired` over `current` changes, in the order it is applied. */
export function diffModels(current: OrgModel, desired: OrgModel): OrgChange[] {
  const changes: (OrgChange | null)[] = [];
  const cur = {
    departments: byKey(current.departments, (d) => d.code),
    people: byKey(current.people, (p) => p.email),
    workPackages: byKey(current.workPackages, (w) => w.code),
    initiatives: byKey(current.initiatives, (i) => i.code),
  };
  for (const d of desired.departments) changes.push(compare("department", d.code, cur.departments.get(d.code), d));
  // A person's language is theirs to choose in chat; the file only sets it for new people.
  for (const p of desired.people) changes.push(compare("person", p.email, cur.people.get(p.email), p, ["locale"]));
  for (const w of desired.workPackages) changes.push(compare("workPackage", w.code, cur.workPackages.get(w.code), w));
  for (const i of desired.initiatives) changes.push(compare("initiative", i.code, cur.initiatives.get(i.code), i));
  for (const key of ORG_SETTING_KEYS) {
    const to = desired.settings[key];
    const from = current.settings[key];
    if (to !== undefined && JSON.stringify(to) !== JSON.stringify(from)) {
      changes.push({ kind: from === undefined ? "added" : "changed", entity: "setting", key, fields: [{ field: "value", from, to }] });
    }
  }
  return changes.filter((c): c is OrgChange => c !== null);
}

const show = (v: unknown) => (v === null || v === undefined ? "–" : typeof v === "string" ? v : JSON.stringify(v));

/** One line per change, for the CLI and the start log: "+ workPackage WP6: name …", "~ person a@b: roles [] → [lead]", "- workPackage WP4 (deactivated)". */
export function describeChange(c: OrgChange): string {
  const sign = c.kind === "added" ? "+" : c.kind === "deactivated" ? "-" : "~";
  const what = `${sign} ${c.entity} ${c.key}`;
  if (c.entity === "setting") return c.kind === "added" ? `${what}: ${show(c.fields[0].to)}` : `${what}: ${show(c.fields[0].from)} → ${show(c.fields[0].to)}`;
  if (c.kind === "added") return c.fields.length ? `${what}: ${c.fields.map((f) => `${f.field} ${show(f.to)}`).join("; ")}` : `${what} (added)`;
  if (c.kind === "deactivated") return `${what} (deactivated)`;
  return `${what}: ${c.fields.map((f) => `${f.field} ${show(f.from)} → ${show(f.to)}`).join("; ")}`;
}

/** The model written back as an organisation file (what `org export` prints). */
export function exportModel(model: OrgModel, options: { timezone: string }): string {
  const people = [...model.people].sort((a, b) => a.email.localeCompare(b.email));
  const file: Record<string, unknown> = {
    version: 1,
    timezone: options.timezone,
    departments: model.departments.map((d) => ({ code: d.code, name: d.name, ...(d.nameEn ? { nameEn: d.nameEn } : {}), ...(d.active ? {} : { active: false }) })),
    people: people.map((p) => ({ email: p.email, name: p.name, locale: p.locale, ...(p.department ? { department: p.department } : {}) })),
    coordinators: people.filter((p) => p.roles.includes("coordinator")).map((p) => p.email),
    // Listed only when someone has the role: files written before announcements stay as they were.
    ...(people.some((p) => p.roles.includes("communicator")) ? { communicators: people.filter((p) => p.roles.includes("communicator")).map((p) => p.email) } : {}),
    admins: people.filter((p) => p.roles.includes("admin")).map((p) => p.email),
    workPackages: model.workPackages.map((w) => ({
      code: w.code,
      name: w.name,
      ...(w.description ? { description: w.description } : {}),
      ...(w.lead ? { lead: w.lead } : {}),
      ...(w.deputy ? { deputy: w.deputy } : {}),
      cadence: w.cadence,
      ...(w.timezone !== options.timezone ? { timezone: w.timezone } : {}),
      ...(w.active ? {} : { active: false }),
      ...(w.pingsPaused ? { pingsPaused: true } : {}),
    })),
    initiatives: model.initiatives.map((i) => ({
      code: i.code,
      title: i.title,
      stage: i.stage,
      ...(i.owner ? { owner: i.owner } : {}),
      ...(i.workPackage ? { workPackage: i.workPackage } : {}),
      ...(i.active ? {} : { active: false }),
    })),
  };
  const s = model.settings;
  const channelEntries = (targets: string[]) =>
    targets.flatMap((c) => {
      const address = decodeAddress(c);
      return address?.kind === "channel" ? [{ [address.platform]: address.id }] : [];
    });
  if (s["digest.channels"]) file.digest = { channels: channelEntries(s["digest.channels"]) };
  if (s["announcements.channels"]?.length) file.announcements = { channels: channelEntries(s["announcements.channels"]) };
  if (s["triage.targetWorkingDays"] !== undefined) file.triage = { targetWorkingDays: s["triage.targetWorkingDays"] };
  if (s["reminders.afterWorkingDays"] !== undefined && s["reminders.max"] !== undefined) {
    file.reminders = { afterWorkingDays: s["reminders.afterWorkingDays"], max: s["reminders.max"] };
  }
  return `# Samordna organisation file: apply with \`samordna org apply FILE\`.\n${stringify(file, { lineWidth: 0 })}`;
}
