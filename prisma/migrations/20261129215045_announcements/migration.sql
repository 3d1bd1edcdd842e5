-- CreateTable
CREATE TABLE "Announcement" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "authorId" INTEGER NOT NULL,
    "titleSv" TEXT NOT NULL DEFAULT '',
    "textSv" TEXT NOT NULL DEFAULT '',
    "titleEn" TEXT NOT NULL DEFAULT '',
    "textEn" TEXT NOT NULL DEFAULT '',
    "imageUrl" TEXT,
    "linkUrl" TEXT,
    "acknowledge" BOOLEAN NOT NULL DEFAULT false,
    "audience" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'draft',
    "scheduledAt" DATETIME,
    "sentAt" DATETIME,
    "cancelledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AnnouncementRecipient" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "announcementId" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "personId" INTEGER,
    "locale" TEXT NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT 'queued',
    "dedupeKey" TEXT NOT NULL,
    "acknowledgedAt" DATETIME,
    CONSTRAINT "AnnouncementRecipient_announcementId_fkey" FOREIGN KEY ("announcementId") REFERENCES "Announcement" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Announcement_state_scheduledAt_idx" ON "Announcement"("state", "scheduledAt");

-- CreateIndex
CREATE UNIQUE INDEX "AnnouncementRecipient_dedupeKey_key" ON "AnnouncementRecipient"("dedupeKey");

-- CreateIndex
CREATE INDEX "AnnouncementRecipient_announcementId_outcome_idx" ON "AnnouncementRecipient"("announcementId", "outcome");

-- CreateIndex
CREATE UNIQUE INDEX "AnnouncementRecipient_announcementId_target_key" ON "AnnouncementRecipient"("announcementId", "target");

