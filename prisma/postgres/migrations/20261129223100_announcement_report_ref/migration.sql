-- AlterTable
ALTER TABLE "Announcement" ADD COLUMN     "reportRef" TEXT,
ADD COLUMN     "reportShown" TEXT;

