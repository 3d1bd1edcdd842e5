-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "failingSince" TIMESTAMP(3),
ADD COLUMN     "lastAttemptAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "OutboxMessage_target_status_id_idx" ON "OutboxMessage"("target", "status", "id");

