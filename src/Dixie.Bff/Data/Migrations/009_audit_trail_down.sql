-- Rolls back 009: drops audit_entries and every audit chain in it.

DROP TABLE IF EXISTS audit_entries;
