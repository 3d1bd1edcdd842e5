// The settings people change at run time, in one registry: each setting's
// storage key, schema, default, its path in the organisation file and who
// changes it. The store reads and writes only these keys, validated by these
// schemas, so a setting cannot be written under one name and read under another.
import { z } from "zod";
import { decodeAddress } from "./addresses.ts";

/** Who changes a setting: admins through the organisation file, the bot itself, or only an operator in the database. */
export type SettingWriter = "organisationFile" | "bot" | "operator";

interface SettingDefinition<S extends z.ZodType> {
  schema: S;
  default: z.output<S>;
  /** Dotted path in samordna.org.yaml, for settings the file sets. */
  orgFile?: string;
  changedBy: SettingWriter;
  about: string;
}
const define = <S extends z.ZodType, P extends string | undefined = undefined>(d: SettingDefinition<S> & { orgFile?: P }) => d as SettingDefinition<S> & { orgFile: P };

/**
 * Digest channels: the valid, distinct targets of a list. A stray entry in a
 * stored list is dropped rather than failing every digest.
 */
export function channelTargets(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((v): v is string => typeof v === "string" && decodeAddress(v)?.kind === "channel"))];
}

export const SETTINGS = {
  "digest.cadence": define({
    schema: z.string().trim().min(1),
    default: "0 14 * * 5",
    changedBy: "operator",
    about: "when the coordinators' digest is sent (cron, in TIMEZONE)",
  }),
  "digest.channels": define({
    schema: z.array(z.unknown()).transform(channelTargets),
    default: [],
    orgFile: "digest.channels",
    changedBy: "organisationFile",
    about: "channels that get the digest besides the coordinators",
  }),
  "announcements.channels": define({
    schema: z.array(z.unknown()).transform(channelTargets),
    default: [],
    orgFile: "announcements.channels",
    changedBy: "organisationFile",
    about: "Teams and Slack channels an announcement may go to",
  }),
  "digest.staleInitiativeWeeks": define({
    schema: z.int().min(1).max(52),
    default: 4,
    changedBy: "operator",
    about: "weeks without an update after which the digest lists an initiative as silent",
  }),
  "triage.targetWorkingDays": define({
    schema: z.int().min(1).max(60),
    default: 10,
    orgFile: "triage.targetWorkingDays",
    changedBy: "organisationFile",
    about: "working days a need may wait for triage",
  }),
  "statusPings.dueWorkingDays": define({
    schema: z.int().min(1).max(30),
    default: 2,
    orgFile: "reminders.afterWorkingDays",
    changedBy: "organisationFile",
    about: "working days after a status request is asked that it is due (and the first reminder goes out)",
  }),
  "statusPings.maxReminders": define({
    schema: z.int().min(0).max(10),
    default: 2,
    orgFile: "reminders.max",
    changedBy: "organisationFile",
    about: "reminders before an unanswered status request is escalated to the coordinators",
  }),
};

/** Settings with one key per instance, by key prefix. */
export const SETTING_FAMILIES = {
  /** The conversation reference of a Teams channel the bot was added to; its shape is checked by the Teams channel. */
  "teams.channel:": define({
    schema: z.record(z.string(), z.unknown()).nullable(),
    default: null,
    changedBy: "bot",
    about: "how to post into a Teams channel the bot has seen",
  }),
};

export type SettingKey = keyof typeof SETTINGS;
export type FamilyKey = `${keyof typeof SETTING_FAMILIES}${string}`;
type Definition<K> = K extends SettingKey
  ? (typeof SETTINGS)[K]
  : K extends `teams.channel:${string}`
    ? (typeof SETTING_FAMILIES)["teams.channel:"]
    : never;
/** What a read of the setting returns. */
export type SettingValue<K extends SettingKey | FamilyKey> = z.output<Definition<K>["schema"]>;
/** What a write of the setting accepts (before its schema cleans it). */
export type SettingInput<K extends SettingKey | FamilyKey> = z.input<Definition<K>["schema"]>;

/** A key that is not in the registry, or a value its schema refuses. */
export class SettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingError";
  }
}

/** The registry entry of a key; an unknown key is an error, not a silent default. */
export function settingOf(key: string): SettingDefinition<z.ZodType> {
  if (Object.hasOwn(SETTINGS, key)) return SETTINGS[key as SettingKey];
  const family = Object.entries(SETTING_FAMILIES).find(([prefix]) => key.startsWith(prefix) && key.length > prefix.length);
  if (family) return family[1];
  throw new SettingError(`unknown setting "${key}"`);
}

/** A value checked against its setting's schema, as stored. */
export function parseSetting(key: string, value: unknown): unknown {
  const parsed = settingOf(key).schema.safeParse(value);
  if (!parsed.success) throw new SettingError(`setting "${key}": ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  return parsed.data;
}

/** A setting's path in the organisation file ("reminders.max"). */
export type OrgFilePath = NonNullable<(typeof SETTINGS)[SettingKey]["orgFile"]>;
/** The storage key of the setting at an organisation-file path. */
export type KeyOfOrgFilePath<P extends OrgFilePath> = { [K in SettingKey]: (typeof SETTINGS)[K]["orgFile"] extends P ? K : never }[SettingKey];

/** The settings the organisation file sets: storage key and path in the file. */
export const ORG_FILE_SETTINGS: { key: SettingKey; path: OrgFilePath }[] = [];
for (const key of Object.keys(SETTINGS) as SettingKey[]) {
  const path = SETTINGS[key].orgFile;
  if (path) ORG_FILE_SETTINGS.push({ key, path });
}
