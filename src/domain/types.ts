// Domain vocabulary. Plain data, shared by rules, cards, bots and store.
export const LOCALES = ["sv", "en"] as const;
export type Locale = (typeof LOCALES)[number];

export const ROLES = ["employee", "lead", "coordinator", "communicator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const PLATFORMS = ["web", "teams", "slack"] as const;
export type Platform = (typeof PLATFORMS)[number];

export const NEED_STATUSES = ["submitted", "accepted", "in_progress", "done", "declined", "duplicate", "withdrawn"] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];
/** Statuses in which a need is still open (shown as "similar", waiting or under way). */
export const OPEN_NEED_STATUSES: NeedStatus[] = ["submitted", "accepted", "in_progress"];

export const URGENCIES = ["low", "medium", "high"] as const;
export type Urgency = (typeof URGENCIES)[number];

export const SUSTAINABILITY_AREAS = ["environmental", "social", "economic"] as const;
export type SustainabilityArea = (typeof SUSTAINABILITY_AREAS)[number];

/** Where an initiative (an innovation process under way) stands. */
export const INITIATIVE_STAGES = ["idea", "exploration", "pilot", "implementation", "done"] as const;
export type InitiativeStage = (typeof INITIATIVE_STAGES)[number];

export const HEALTHS = ["on_track", "at_risk", "blocked"] as const;
export type Health = (typeof HEALTHS)[number];

export interface Department {
  id: number;
  code: string;
  name: string;
  nameEn: string | null;
}

export interface Person {
  id: number;
  displayName: string;
  email: string | null;
  locale: Locale;
  departmentId: number | null;
  roles: Role[];
  awayUntil: Date | null;
}

export interface NeedDraft {
  title: string;
  problem: string;
  affected: string;
  benefit: string;
  sustainability: SustainabilityArea[];
  urgency: Urgency;
  departmentId: number | null;
  /** Show the reporter's name in the portfolio (asked on the form; off unless chosen). */
  showReporterName?: boolean;
}

export interface Need extends NeedDraft {
  id: number;
  reference: string;
  status: NeedStatus;
  reporterId: number;
  reporterName: string;
  departmentName: string | null;
  duplicateOfId: number | null;
  workPackageId: number | null;
  workPackageCode: string | null;
  initiativeId: number | null;
  initiativeCode: string | null;
  outcome: string | null;
  sourceUrl: string | null;
  /** The reporter chose to show their name to everyone in the portfolio. */
  showReporterName: boolean;
  version: number;
  /** A coordinator asked the reporter a question; the need is out of the triage queue until answered. */
  awaitingReply: boolean;
  supporterCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A need as a list line shows it ("my needs", Slack's App Home): read without any relation. */
export type NeedLine = Pick<Need, "id" | "reference" | "title" | "status" | "createdAt" | "supporterCount">;
/** A need in the triage queue or a digest list: the line and its department's name. */
export type QueuedNeed = NeedLine & Pick<Need, "departmentName">;

export interface NeedEvent {
  id: number;
  kind: string;
  actorId: number | null;
  actorName: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  note: string | null;
  createdAt: Date;
}

export interface WorkPackage {
  id: number;
  code: string;
  name: string;
  description: string;
  leadId: number | null;
  deputyId: number | null;
  cadence: string;
  timezone: string;
  active: boolean;
  pingsPaused: boolean;
}

export interface Initiative {
  id: number;
  code: string;
  title: string;
  stage: InitiativeStage;
  ownerId: number | null;
  workPackageId: number | null;
  needId: number | null;
  active: boolean;
}

export interface StatusRequest {
  id: number;
  subjectKey: string;
  periodKey: string;
  recipientId: number | null;
  askedAt: Date;
  dueAt: Date;
  remindersSent: number;
  lastRemindedAt: Date | null;
  escalatedAt: Date | null;
  answeredAt: Date | null;
  closedAt: Date | null;
}

export interface StatusUpdate {
  id: number;
  requestId: number;
  health: Health;
  progress: string;
  blockers: string;
  nextSteps: string;
  helpNeeded: string;
  authorId: number;
  late: boolean;
  createdAt: Date;
  updatedAt: Date;
}
