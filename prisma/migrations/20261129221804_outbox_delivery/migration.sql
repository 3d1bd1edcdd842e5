-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "failingSince" DATETIME;
ALTER TABLE "OutboxMessage" ADD COLUMN "lastAttemptAt" DATETIME;

-- CreateIndex
CREATE INDEX "OutboxMessage_target_status_id_idx" ON "OutboxMessage"("target", "status", "id");
