// The composition root: config, store, domain services, the core router and
// its features. Channels (web, Teams, Slack) and jobs are given this App.
import { randomBytes } from "node:crypto";
import { createAdminFeature } from "./bots/core/features/admin.ts";
import { createAnnounceFeature } from "./bots/core/features/announce.ts";
import { announcementCard, announcementReportCard } from "./cards/announcement.ts";
import { createAnnouncementService, type AnnouncementService } from "./domain/announcements.ts";
import { createHelpFeature } from "./bots/core/features/help.ts";
import { createMeFeature } from "./bots/core/features/me.ts";
import { createMethodsFeature } from "./bots/core/features/methods.ts";
import { createNeedsFeature, offerToReport } from "./bots/core/features/needs.ts";
import { createTriageFeature } from "./bots/core/features/triage.ts";
import { createLessonsFeature } from "./bots/core/features/lessons.ts";
import { lessonForm } from "./cards/lessonForm.ts";
import { createLessonService, type LessonService } from "./domain/lessons.ts";
import { createStatusFeature } from "./bots/core/features/status.ts";
import { createRouter, type Router } from "./bots/core/router.ts";
import type { Reply, Turn } from "./bots/core/types.ts";
import type { Deliverer } from "./bots/delivery.ts";
import { createWebDeliverer } from "./bots/web/deliver.ts";
import { cardContext } from "./cards/context.ts";
import { createCharts, type Charts } from "./charts/index.ts";
import { escalationCard } from "./cards/escalationCard.ts";
import { statusForm } from "./cards/statusForm.ts";
import { createCalendar, type Calendar } from "./domain/calendar.ts";
import { createStatusService, type StatusService } from "./domain/statusService.ts";
import type { Platform } from "./domain/types.ts";
import { notificationCard } from "./cards/notification.ts";
import type { Config } from "./config.ts";
import { createDigestService, type DigestService } from "./domain/digests.ts";
import { createAdminService } from "./domain/admin.ts";
import { createMeService } from "./domain/me.ts";
import { createMethodService } from "./domain/methods.ts";
import { createNeedService, type Clock, type NeedService } from "./domain/needs.ts";
import { createPortfolioService, type PortfolioService } from "./domain/portfolio.ts";
import { createTriageService, type TriageService } from "./domain/triage.ts";
import type { Logger } from "./log.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import type { Store } from "./store/index.ts";
import { answerNotificationCard, needQuestionCard, needUpdateNotificationCard } from "./cards/needNotifications.ts";

export interface App {
  config: Config;
  store: Store;
  log: Logger;
  metrics: Metrics;
  clock: Clock;
  router: Router;
  needs: NeedService;
  triage: TriageService;
  digests: DigestService;
  status: StatusService;
  /** What everyone signed in sees across the organisation (the web portfolio). */
  portfolio: PortfolioService;
  /** Key-figure charts (SVG for pages, PNG for cards), cached per day. */
  charts: Charts;
  /** Signs session cookies and chart URLs: SESSION_SECRET. */
  signingSecret: string;
  announcements: AnnouncementService;
  lessons: LessonService;
  /** Working days in HOLIDAY_COUNTRY: ping due dates, reminders, triage targets. */
  calendar: Calendar;
  /** Proactive delivery per platform; channels add theirs when they start. */
  deliverers: Map<Platform, Deliverer>;
  /** Handles one turn from any channel, with metrics. */
  handle(turn: Turn): Promise<Reply>;
}

export function createApp(deps: { config: Config; store: Store; log: Logger; clock?: Clock }): App {
  const { config, store, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  const metrics = createMetrics();
  const needs = createNeedService(store, clock);
  const calendar = createCalendar(config.holidayCountry);
  const triage = createTriageService(store, clock, calendar, needs, config.timezone, {
    question: (locale, need, question, askedBy) => needQuestionCard(cardContext(locale, config.timezone), need, question, askedBy),
    update: (locale, need, change) => needUpdateNotificationCard(cardContext(locale, config.timezone), need, change),
    answer: (locale, need, answer, answeredBy) => answerNotificationCard(cardContext(locale, config.timezone), need, answer, answeredBy),
  });
  const digests = createDigestService(store, calendar, { zone: config.timezone, defaultLocale: config.defaultLocale });
  const status = createStatusService({
    store,
    clock,
    calendar,
    zone: config.timezone,
    log,
    cards: {
      form: (locale, options) => statusForm(cardContext(locale, config.timezone), options),
      escalation: (locale, info) => escalationCard(cardContext(locale, config.timezone), info),
      notification: notificationCard,
    },
  });
  const portfolio = createPortfolioService({ store, needs, digests, clock, calendar, zone: config.timezone });
  // Without SESSION_SECRET (development), a key per process: sessions and chart URLs end with a restart.
  const signingSecret = config.portfolio.sessionSecret ?? randomBytes(32).toString("base64url");
  /** Proactive delivery per platform; channels add theirs when they start. */
  const deliverers = new Map<Platform, Deliverer>([["web", createWebDeliverer(store)]]);
  const announcements = createAnnouncementService({
    store,
    clock,
    zone: config.timezone,
    defaultLocale: config.defaultLocale,
    render: (locale, announcement, options) => announcementCard(cardContext(locale, config.timezone), announcement, options),
    // "<platform>:<ref>": the platform's deliverer updates its message, in the author's language.
    showReport: async (ref, announcement, report) => {
      const cut = ref.indexOf(":");
      const deliverer = deliverers.get(ref.slice(0, cut) as Platform);
      if (!deliverer?.update) throw new Error(`no deliverer updates messages for ${ref}`);
      const author = await store.people.byId(announcement.authorId);
      await deliverer.update(ref.slice(cut + 1), announcementReportCard(cardContext(author?.locale ?? config.defaultLocale, config.timezone), announcement, report));
    },
  });
  const lessons = createLessonService({
    store,
    clock,
    calendar,
    zone: config.timezone,
    cards: { form: (locale, options) => lessonForm(cardContext(locale, config.timezone), options) },
  });
  const router = createRouter(
    [
      createNeedsFeature({ needs, departments: () => store.departments.active() }),
      createStatusFeature(status),
      createTriageFeature({ triage, digests, clock }),
      createAdminFeature({ admin: createAdminService(store, { clock, render: notificationCard, calendar }), workPackages: () => store.workPackages.active() }),
      createMeFeature({ me: createMeService(store, clock, calendar) }),
      createMethodsFeature({ methods: createMethodService(store) }),
      createAnnounceFeature({
        announcements,
        departments: () => store.departments.active(),
        workPackages: () => store.workPackages.active(),
        initiatives: () => store.initiatives.active(),
      }),
      createLessonsFeature(lessons),
      createHelpFeature(),
    ],
    { log, zone: config.timezone, fallback: offerToReport, submissions: { firstSeen: (p, k) => store.inbound.firstSeen(p, k), forget: (p, k) => store.inbound.forget(p, k) } },
  );
  return {
    config,
    store,
    log,
    metrics,
    clock,
    router,
    needs,
    triage,
    digests,
    status,
    portfolio,
    charts: createCharts({ load: () => portfolio.keyFigures(), clock, zone: config.timezone, secret: signingSecret }),
    signingSecret,
    announcements,
    lessons,
    calendar,
    deliverers,
    async handle(turn) {
      const end = metrics.turnDuration.startTimer({ platform: turn.platform });
      metrics.turns.inc({ platform: turn.platform, kind: turn.action ? "action" : "text" });
      try {
        return await router.handle(turn);
      } finally {
        end();
      }
    },
  };
}
