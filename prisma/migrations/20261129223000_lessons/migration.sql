-- CreateTable
CREATE TABLE "Lesson" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "occasionKey" TEXT NOT NULL,
    "occasion" TEXT NOT NULL,
    "needId" INTEGER,
    "initiativeId" INTEGER,
    "ownerId" INTEGER NOT NULL,
    "askedAt" DATETIME NOT NULL,
    "remindedAt" DATETIME,
    "answeredAt" DATETIME,
    "worked" TEXT NOT NULL DEFAULT '',
    "didNotWork" TEXT NOT NULL DEFAULT '',
    "othersShouldKnow" TEXT NOT NULL DEFAULT '',
    "shareable" BOOLEAN NOT NULL DEFAULT false
);

-- CreateIndex
CREATE UNIQUE INDEX "Lesson_occasionKey_key" ON "Lesson"("occasionKey");

-- CreateIndex
CREATE INDEX "Lesson_answeredAt_idx" ON "Lesson"("answeredAt");

-- CreateIndex
CREATE INDEX "Lesson_askedAt_idx" ON "Lesson"("askedAt");

