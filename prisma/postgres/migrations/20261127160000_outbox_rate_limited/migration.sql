-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "rateLimited" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Need_createdAt_idx" ON "Need"("createdAt");

-- CreateIndex
CREATE INDEX "Need_triagedAt_idx" ON "Need"("triagedAt");

-- CreateIndex
CREATE INDEX "Need_status_departmentId_idx" ON "Need"("status", "departmentId");

-- CreateIndex
CREATE INDEX "Need_status_sustainability_idx" ON "Need"("status", "sustainability");

