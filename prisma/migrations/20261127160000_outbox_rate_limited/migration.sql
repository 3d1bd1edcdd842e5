-- 429 answers per outbox message: they delay delivery without counting as failed attempts.
ALTER TABLE "OutboxMessage" ADD COLUMN "rateLimited" INTEGER NOT NULL DEFAULT 0;
