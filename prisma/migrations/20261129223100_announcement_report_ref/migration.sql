-- AlterTable
ALTER TABLE "Announcement" ADD COLUMN "reportRef" TEXT;
ALTER TABLE "Announcement" ADD COLUMN "reportShown" TEXT;

