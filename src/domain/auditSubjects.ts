// What an audit entry is about: one format per kind of thing, so a thing's
// trail is one query (docs/GLOSSARY.md, "audit subject").
export const auditSubject = {
  person: (personId: number) => `person:${personId}`,
  workPackage: (code: string) => `workPackage:${code}`,
  initiative: (code: string) => `initiative:${code}`,
  statusRequest: (requestId: number) => `status-request:${requestId}`,
  organisation: "organisation",
  /** A refused admin action: the attempt, not a thing. */
  refusedAdminAction: (action: string) => `admin:${action}`,
} as const;
