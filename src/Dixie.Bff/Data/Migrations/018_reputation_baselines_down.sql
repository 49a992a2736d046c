-- Rolls back 018: drops reputation_baselines. A later apply snapshots the aggregates that exist
-- then, which are no longer the adopted ones.

DROP TABLE IF EXISTS reputation_baselines;
