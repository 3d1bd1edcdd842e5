-- AlterTable
ALTER TABLE "Need" ADD COLUMN     "submissionKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Need_submissionKey_key" ON "Need"("submissionKey");

