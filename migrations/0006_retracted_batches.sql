-- A deleted job's batches stay as history but leave every list and status answer (/tag-status
-- and /tag-status/{model}), as the contract says of deleted jobs.
ALTER TABLE batches ADD COLUMN retracted INTEGER NOT NULL DEFAULT 0;
UPDATE batches SET retracted = 1 WHERE job_id IN (SELECT id FROM jobs WHERE deleted_at IS NOT NULL);
