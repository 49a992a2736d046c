-- reputation_task_cohorts: the reputation of one agent for one model and one task type
-- (nft_id × model_id × task_type). `data` holds the cohort as JSON (spec 06).
--
-- Same definition as the TypeScript service's file of this name (spec 09 §5.2).

CREATE TABLE IF NOT EXISTS reputation_task_cohorts (
    nft_id     text        NOT NULL,
    model_id   text        NOT NULL,
    task_type  text        NOT NULL,
    data       jsonb       NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reputation_task_cohorts_pkey PRIMARY KEY (nft_id, model_id, task_type)
);

CREATE INDEX IF NOT EXISTS idx_task_cohorts_nft ON reputation_task_cohorts (nft_id);
