-- AlterTable
ALTER TABLE "Need" ADD COLUMN     "showReporterName" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "failingSince" TIMESTAMP(3),
ADD COLUMN     "lastAttemptAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Lesson" (
    "id" SERIAL NOT NULL,
    "occasionKey" TEXT NOT NULL,
    "occasion" TEXT NOT NULL,
    "needId" INTEGER,
    "initiativeId" INTEGER,
    "ownerId" INTEGER NOT NULL,
    "askedAt" TIMESTAMP(3) NOT NULL,
    "remindedAt" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3),
    "worked" TEXT NOT NULL DEFAULT '',
    "didNotWork" TEXT NOT NULL DEFAULT '',
    "othersShouldKnow" TEXT NOT NULL DEFAULT '',
    "shareable" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "Lesson_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Lesson_occasionKey_key" ON "Lesson"("occasionKey");

-- CreateIndex
CREATE INDEX "Lesson_answeredAt_idx" ON "Lesson"("answeredAt");

-- CreateIndex
CREATE INDEX "Lesson_askedAt_idx" ON "Lesson"("askedAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_target_status_id_idx" ON "OutboxMessage"("target", "status", "id");

