-- audit_entries (created by 009) gets a unique index on (resource_type, previous_hash): two entries
-- can never claim the same predecessor, which also covers two first entries racing onto an empty
-- chain, where a row lock has nothing to lock. No table is created here.
--
-- Same index as the TypeScript service's file of this name (spec 09 §5.5).

CREATE UNIQUE INDEX IF NOT EXISTS idx_audit_chain_unique ON audit_entries (resource_type, previous_hash);
