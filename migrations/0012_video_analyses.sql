-- Video analyses run each feature as its own engine job, possibly on different providers:
-- which provider serves which feature (JSON {feature: provider}), shown as feature_providers.
ALTER TABLE gateway_jobs ADD COLUMN feature_providers TEXT;
