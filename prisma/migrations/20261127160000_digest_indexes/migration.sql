-- CreateIndex
CREATE INDEX "Need_triagedAt_idx" ON "Need"("triagedAt");

-- CreateIndex
CREATE INDEX "Need_status_departmentId_idx" ON "Need"("status", "departmentId");

