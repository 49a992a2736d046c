-- Rolls back 012: drops the chain uniqueness index; audit_entries and its rows stay.

DROP INDEX IF EXISTS idx_audit_chain_unique;
