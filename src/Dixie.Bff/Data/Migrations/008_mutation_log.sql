-- governance_mutations: the durable log of governance mutations (spec 08). mutation_id is chosen
-- by the caller, so a retried write is recognised by its primary key; it has no default.
--
-- Same definition as the TypeScript service's file of this name (spec 09 §5.4).

CREATE TABLE IF NOT EXISTS governance_mutations (
    mutation_id   uuid        NOT NULL,
    session_id    uuid        NOT NULL,
    actor_id      text        NOT NULL,
    resource_type text        NOT NULL,
    mutation_type text        NOT NULL,
    payload       jsonb       NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT governance_mutations_pkey PRIMARY KEY (mutation_id)
);

CREATE INDEX IF NOT EXISTS idx_mutations_session ON governance_mutations (session_id);
CREATE INDEX IF NOT EXISTS idx_mutations_resource ON governance_mutations (resource_type, created_at);
CREATE INDEX IF NOT EXISTS idx_mutations_actor ON governance_mutations (actor_id, created_at);
