-- audit_entries: one hash chain per resource_type (spec 08). Each entry stores its own hash and the
-- hash of its predecessor; "timestamp" is the time that went into the hash, created_at the time the
-- row was written. 012 makes (resource_type, previous_hash) unique so a chain cannot fork.
--
-- Same definition as the TypeScript service's file of this name (spec 09 §5.5).

CREATE TABLE IF NOT EXISTS audit_entries (
    entry_id        uuid        NOT NULL,
    resource_type   text        NOT NULL,
    "timestamp"     timestamptz NOT NULL,
    event_type      text        NOT NULL,
    actor_id        text,
    payload         jsonb,
    entry_hash      text        NOT NULL,
    previous_hash   text        NOT NULL,
    hash_domain_tag text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audit_entries_pkey PRIMARY KEY (entry_id)
);

CREATE INDEX IF NOT EXISTS idx_audit_resource ON audit_entries (resource_type, created_at);
CREATE INDEX IF NOT EXISTS idx_audit_hash ON audit_entries (entry_hash);
