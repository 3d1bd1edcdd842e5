// Applying an organisation file: read the organisation as it is, check the
// people the file names, compute the diff, and write it, all in one
// transaction, so a file with any problem changes nothing.
import { auditSubject } from "./auditSubjects.ts";
import type { Repositories, Store } from "../store/index.ts";
import { notify, type RenderNotification } from "./notify.ts";
import { namedPeople, OrgFileError, unknownPeople, type ParsedOrgFile } from "./orgFile.ts";
import { describeChange, desiredModel, diffModels, exportModel, type OrgChange } from "./orgModel.ts";
import type { Locale } from "./types.ts";
import { changedFields, recordWorkPackageChange } from "./workPackages.ts";

export interface ApplyOptions {
  dryRun?: boolean;
  now: Date;
  defaults: { timezone: string; locale: Locale };
  render: RenderNotification;
  /** Who applies it (null: the command line or start-up). */
  actorId?: number | null;
}

/** Applies the file in a transaction of its own; returns the changes (none written on a dry run). */
export async function applyOrganisation(store: Store, parsed: ParsedOrgFile, options: ApplyOptions): Promise<OrgChange[]> {
  return store.transaction((repos) => applyOrganisationIn(repos, parsed, options));
}

/** The same, inside a transaction the caller holds (the demo seed). */
export async function applyOrganisationIn(repos: Repositories, parsed: ParsedOrgFile, options: ApplyOptions): Promise<OrgChange[]> {
  const emails = [...new Set([...parsed.org.people.map((p) => p.email), ...namedPeople(parsed.org).map((n) => n.email)])];
  const current = await repos.organisation.snapshot(emails);
  const issues = unknownPeople(parsed, await repos.organisation.knownEmails(emails));
  if (issues.length > 0) throw new OrgFileError(parsed.file, issues);

  const desired = desiredModel(parsed.org, current, options.defaults);
  const changes = diffModels(current, desired);
  if (options.dryRun || changes.length === 0) return changes;

  const changedCodes = changes.filter((c) => c.entity === "workPackage" && c.kind !== "added").map((c) => c.key);
  const before = (await Promise.all(changedCodes.map((code) => repos.workPackages.byCode(code)))).filter((wp) => wp !== null);
  const { closed } = await repos.organisation.apply(desired, changes, options.now);
  // Lead, deputy, cadence, pause and active state change as from the admin card:
  // audited per work package, the people concerned told. (A work package the
  // file creates tells nobody: its first ping introduces it.)
  for (const wp of before) {
    const after = (await repos.workPackages.byId(wp.id))!;
    const fields = changedFields(wp, after);
    if (fields.length > 0) await recordWorkPackageChange(repos, options.render, options.actorId ?? null, wp, after, fields);
  }
  for (const request of closed) {
    for (const personId of request.personIds) {
      await notify(repos, options.render, {
        personId,
        dedupeKey: `status-request-closed:${request.id}:person:${personId}`,
        key: "org.notify.requestClosed",
        params: { code: request.workPackageCode, name: request.workPackageName, period: request.periodKey },
      });
    }
  }
  await repos.audit.record({ actorId: options.actorId ?? null, action: "org.apply", subject: auditSubject.organisation, after: changes.map(describeChange) });
  return changes;
}

/** The organisation as a file (`org export`). */
export async function exportOrganisation(store: Store, options: { timezone: string }): Promise<string> {
  return exportModel(await store.organisation.snapshot(), options);
}
