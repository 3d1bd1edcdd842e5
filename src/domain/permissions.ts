// Who may do what. Every card action is checked here against the acting
// person, so a forged or replayed action changes nothing.
import { DomainError } from "./errors.ts";
import type { Need, Person, Role } from "./types.ts";

export function hasRole(person: Person, ...roles: Role[]): boolean {
  return roles.some((r) => person.roles.includes(r)) || person.roles.includes("admin");
}

/** Admins change the organisation; unlike hasRole, no other role stands in for it. */
export function isAdmin(person: Person): boolean {
  return person.roles.includes("admin");
}

export function requireRole(person: Person, ...roles: Role[]): void {
  if (!hasRole(person, ...roles)) throw new DomainError("forbidden", `${person.id} lacks role ${roles.join("|")}`);
}

/** The reporter may edit or withdraw a need while it is still submitted. */
export function requireReporterChange(person: Person, need: Need): void {
  if (need.reporterId !== person.id) {
    throw new DomainError("forbidden", `person ${person.id} is not the reporter of ${need.reference}`);
  }
  if (need.status !== "submitted") {
    throw new DomainError("invalid_state", `${need.reference} is ${need.status}`, {
      detailKey: "need.state.notSubmitted",
      reference: need.reference,
      status: need.status,
    });
  }
}

export function canChangeAsReporter(person: Person, need: Need): boolean {
  return need.reporterId === person.id && need.status === "submitted";
}
