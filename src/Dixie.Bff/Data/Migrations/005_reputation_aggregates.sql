-- reputation_aggregates: one row per agent (nft_id). `data` holds the complete aggregate as JSON and
-- is what reads serve; state, blended_score, sample_count and version are copies of fields inside
-- `data`, kept as columns only so they can be indexed (spec 06). blended_score is rounded to four
-- decimals here while `data` keeps full precision.
--
-- Same definition as the TypeScript service's file of this name, so an adopted database is
-- recognised as is (spec 09 §5.1).

CREATE TABLE IF NOT EXISTS reputation_aggregates (
    nft_id        text          NOT NULL,
    state         text          NOT NULL DEFAULT 'cold',
    blended_score numeric(6, 4) NOT NULL DEFAULT 0,
    sample_count  integer       NOT NULL DEFAULT 0,
    data          jsonb         NOT NULL DEFAULT '{}',
    version       integer       NOT NULL DEFAULT 0,
    created_at    timestamptz   NOT NULL DEFAULT now(),
    updated_at    timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT reputation_aggregates_pkey PRIMARY KEY (nft_id)
);

CREATE INDEX IF NOT EXISTS idx_rep_agg_state ON reputation_aggregates (state);
CREATE INDEX IF NOT EXISTS idx_rep_agg_version ON reputation_aggregates (version);
