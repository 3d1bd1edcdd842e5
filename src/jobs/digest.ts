// The coordinators' digest on its cadence (settings key "digest.cadence",
// default Fridays 14:00). Level-triggered: each tick finds the latest
// scheduled digest at or before now and sends it to every recipient who has
// not got it yet. The Digest row and the outbox message are written in one
// transaction, and Digest is unique per recipient, kind and period, so two
// runs (or two replicas) send it once.
import { cardContext } from "../cards/context.ts";
import { digestCard, digestText, type DigestPicture } from "../cards/digestCard.ts";
import type { ChartName } from "../charts/index.ts";
import type { Locale } from "../domain/types.ts";
import { DIGEST_KIND } from "../domain/digests.ts";
import { isUniqueViolation } from "../store/client.ts";
import type { Job, JobResult } from "./types.ts";

const DIGEST_CHART: ChartName = "open-by-department";
const PICTURE_DAYS = 14;

export function createDigestJob(): Job {
  return {
    name: "digest",
    description: "send the coordinators' digest when its cadence (setting digest.cadence) is due",
    schedule: "*/15 * * * *",
    async run({ app, now, dryRun, out }): Promise<JobResult> {
      const { store, digests } = app;
      const period = await digests.duePeriod(now);
      const [recipients, data] = await Promise.all([digests.recipients(), digests.build(period)]);
      if (dryRun) {
        out(digestText(cardContext(app.config.defaultLocale, app.config.timezone), data));
        out("");
        out(`Dry run: digest ${period.key} for ${recipients.length} recipient(s): ${recipients.map((r) => r.key).join(", ")}. Nothing was sent.`);
        return { summary: `dry run of digest ${period.key}`, counts: { recipients: recipients.length } };
      }
      // The key figures as a chart image, at a signed URL that outlives the digest's week; only with a public (https) address.
      const publicUrl = app.config.portfolio.publicUrl;
      const picture = (locale: Locale): DigestPicture | undefined =>
        publicUrl?.startsWith("https:")
          ? {
              url: `${publicUrl}${app.charts.signedPath(DIGEST_CHART, locale, new Date(now.getTime() + PICTURE_DAYS * 86_400_000))}`,
              altText: cardContext(locale, app.config.timezone).t("portfolio.figures.byDepartment"),
            }
          : undefined;
      let sent = 0;
      let already = 0;
      for (const recipient of recipients) {
        try {
          const created = await store.transaction(async (tx) => {
            if (!(await tx.digests.record({ recipientKey: recipient.key, kind: DIGEST_KIND, periodKey: period.key, content: data }))) return false;
            await tx.outbox.enqueue({
              dedupeKey: `digest:${DIGEST_KIND}:${period.key}:${recipient.key}`,
              target: recipient.key,
              kind: "digest",
              payload: digestCard(cardContext(recipient.locale, app.config.timezone), data, { picture: picture(recipient.locale) }),
              // Due as of the run's moment, so a run `--at` another time is delivered by an outbox run at that time.
              availableAt: now,
            });
            return true;
          });
          if (created) sent++;
          else already++;
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          already++;
        }
      }
      if (sent) out(`Digest ${period.key}: queued for ${sent} recipient(s).`);
      return { summary: `digest ${period.key}: ${sent} sent, ${already} already had it`, counts: { sent, already } };
    },
  };
}
