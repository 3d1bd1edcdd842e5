-- AlterTable
ALTER TABLE "Need" ADD COLUMN "showReporterName" BOOLEAN NOT NULL DEFAULT false;
