-- CreateIndex
CREATE INDEX "Need_status_updatedAt_idx" ON "Need"("status", "updatedAt");

