-- One current result per (content, track, model): a tag a later `replace: true` run re-tagged, or
-- whose job was deleted, stays in the batch history with superseded_by set (the superseding
-- job's id, or 'deleted') and leaves every read path (/tags, tracks, exports).
ALTER TABLE tags ADD COLUMN superseded_by TEXT;
CREATE INDEX tags_current_by_content ON tags (tenant_id, qid, track, start_time) WHERE superseded_by IS NULL;
CREATE INDEX tags_by_content_model ON tags (tenant_id, qid, model, start_time);
