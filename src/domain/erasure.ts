// Erasing a person (GDPR, right to erasure) and telling the coordinators
// which work packages lost their lead or deputy. Their needs stay, attributed
// to "Erased person N", so the organisation keeps its record of the problem.
import { auditSubject } from "./auditSubjects.ts";
import type { Store } from "../store/index.ts";
import type { Clock } from "./needs.ts";
import { notify, type RenderNotification } from "./notify.ts";
import type { Person } from "./types.ts";

export interface ErasureDeps {
  clock: Clock;
  render: RenderNotification;
  /** How a text is shown on stored cards (markdown-escaped): copies in that form are found too. */
  shownAs: (text: string) => string;
}

export function erasedName(personId: number): string {
  return `Erased person ${personId}`;
}

export function createErasureService(store: Store, deps: ErasureDeps) {
  /** Every form in which an identifier may be stored: as is, shown on a card, and inside JSON. */
  function storedForms(identifier: string): string[] {
    const shown = deps.shownAs(identifier);
    return [identifier, shown].flatMap((s) => [s, JSON.stringify(s).slice(1, -1), JSON.stringify(JSON.stringify(s)).slice(3, -3)]);
  }

  return {
    async erase(person: Person): Promise<{ workPackages: { code: string; as: "lead" | "deputy" }[] }> {
      return store.transaction(async (tx) => {
        const forms = (await tx.erasure.identifiersOf(person.id)).flatMap(storedForms);
        const roles = await tx.erasure.erase(person.id, deps.clock(), forms, erasedName(person.id));
        const auditId = await tx.audit.record({ actorId: null, action: "person.erase", subject: auditSubject.person(person.id), after: roles });
        if (roles.workPackages.length > 0) {
          const coordinators = await tx.people.withRole("coordinator");
          for (const c of coordinators) {
            await notify(tx, deps.render, {
              personId: c.id,
              dedupeKey: `erase:${auditId}:coordinator:${c.id}`,
              key: "admin.notify.erased",
              params: { codes: roles.workPackages.map((wp) => `${wp.code} (${wp.as})`).join(", ") },
            });
          }
        }
        return roles;
      });
    },
  };
}
