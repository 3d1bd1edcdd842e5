-- CreateTable
CREATE TABLE "RateLimitKey" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "times" TEXT NOT NULL DEFAULT '[]',
    "pausedUntil" REAL NOT NULL DEFAULT 0,
    "lastAt" REAL NOT NULL DEFAULT 0
);

