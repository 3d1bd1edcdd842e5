-- CreateTable
CREATE TABLE "RateLimitKey" (
    "key" TEXT NOT NULL,
    "times" TEXT NOT NULL DEFAULT '[]',
    "pausedUntil" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "lastAt" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "RateLimitKey_pkey" PRIMARY KEY ("key")
);

