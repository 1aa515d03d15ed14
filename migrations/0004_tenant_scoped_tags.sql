-- Every tag-store row names its tenant, so every read is scoped by tenant as well as content id:
-- a content id deleted by one tenant and registered again by another shows the new owner nothing
-- of the old one's (deleting a content also removes its rows; this is the second lock).
ALTER TABLE tracks ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
ALTER TABLE batches ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
ALTER TABLE report_parts ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
ALTER TABLE tags ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
UPDATE batches SET tenant_id = COALESCE((SELECT c.tenant_id FROM contents c WHERE c.qid = batches.qid), '');
UPDATE tracks SET tenant_id = COALESCE((SELECT c.tenant_id FROM contents c WHERE c.qid = tracks.qid), '');
UPDATE report_parts SET tenant_id = COALESCE((SELECT b.tenant_id FROM batches b WHERE b.id = report_parts.batch_id), '');
UPDATE tags SET tenant_id = COALESCE((SELECT b.tenant_id FROM batches b WHERE b.id = tags.batch_id), '');
CREATE INDEX tags_by_tenant_content ON tags (tenant_id, qid, track, start_time);
CREATE INDEX batches_by_tenant_content ON batches (tenant_id, qid, model);
