-- fleet_tasks (created by 013) gets what the task runner of spec 07 needs. No table is created here.
--   repository, base_branch, context_overrides: the spawn request; repository is required for new
--     rows only (NOT VALID), because adopted rows never had it.
--   timeout_minutes: the per-task timeout (1..1440).
--   result: {prNumber?, url?} read from the agent's result.json.
--   runner_instance, process_pid, process_started_at, process_ended_at, exit_code: which instance
--     runs the process and what became of it; process_started_at guards against recycled pids.
--   log_path: the current attempt's agent.log.
-- The status check gains the terminal status `completed`, and max_retries is capped at 10 as the
-- spawn validation is. The unique (operator_id, context_hash) index makes spawn idempotency a
-- database fact; a plain index (NULLs never conflict) lets ON CONFLICT name the columns alone.
--
-- Each CHECK is replaced only when the catalog shows it missing or in its old form, and then in
-- full, so a second run leaves the same definitions.

ALTER TABLE fleet_tasks ADD COLUMN IF NOT EXISTS repository text;
ALTER TABLE fleet_tasks ADD COLUMN IF NOT EXISTS base_branch text;
ALTER TABLE fleet_tasks ADD COLUMN IF NOT EXISTS timeout_minutes integer NOT NULL DEFAULT 120;
ALTER TABLE fleet_tasks ADD COLUMN IF NOT EXISTS context_overrides jsonb;
ALTER TABLE fleet_tasks ADD COLUMN IF NOT EXISTS result jsonb;
ALTER TABLE fleet_tasks ADD COLUMN IF NOT EXISTS runner_instance text;
ALTER TABLE fleet_tasks ADD COLUMN IF NOT EXISTS process_pid integer;
ALTER TABLE fleet_tasks ADD COLUMN IF NOT EXISTS process_started_at timestamptz;
ALTER TABLE fleet_tasks ADD COLUMN IF NOT EXISTS process_ended_at timestamptz;
ALTER TABLE fleet_tasks ADD COLUMN IF NOT EXISTS exit_code integer;
ALTER TABLE fleet_tasks ADD COLUMN IF NOT EXISTS log_path text;

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conrelid = 'fleet_tasks'::regclass AND conname = 'valid_status'
          AND pg_get_constraintdef(oid) LIKE '%''completed''%'
    ) THEN
        ALTER TABLE fleet_tasks DROP CONSTRAINT IF EXISTS valid_status;
        ALTER TABLE fleet_tasks ADD CONSTRAINT valid_status CHECK (status IN ('proposed', 'spawning',
            'running', 'pr_created', 'reviewing', 'ready', 'merged', 'failed', 'retrying', 'abandoned',
            'rejected', 'cancelled', 'completed'));
    END IF;

    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conrelid = 'fleet_tasks'::regclass AND conname = 'valid_max_retries'
          AND pg_get_constraintdef(oid) LIKE '%<= 10%'
    ) THEN
        ALTER TABLE fleet_tasks DROP CONSTRAINT IF EXISTS valid_max_retries;
        ALTER TABLE fleet_tasks ADD CONSTRAINT valid_max_retries
            CHECK (max_retries >= 0 AND max_retries <= 10);
    END IF;

    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conrelid = 'fleet_tasks'::regclass AND conname = 'valid_timeout_minutes'
    ) THEN
        ALTER TABLE fleet_tasks ADD CONSTRAINT valid_timeout_minutes
            CHECK (timeout_minutes >= 1 AND timeout_minutes <= 1440);
    END IF;

    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conrelid = 'fleet_tasks'::regclass AND conname = 'valid_repository_present'
    ) THEN
        ALTER TABLE fleet_tasks ADD CONSTRAINT valid_repository_present
            CHECK (repository IS NOT NULL) NOT VALID;
    END IF;
END
$$;

-- Fails, naming the index, if an adopted database holds duplicate (operator_id, context_hash) pairs;
-- the runbook shows the query that finds them.
CREATE UNIQUE INDEX IF NOT EXISTS uq_fleet_tasks_operator_context ON fleet_tasks (operator_id, context_hash);
-- Admission and status counts.
CREATE INDEX IF NOT EXISTS idx_fleet_tasks_operator_status ON fleet_tasks (operator_id, status);
-- An operator's newest tasks.
CREATE INDEX IF NOT EXISTS idx_fleet_tasks_operator_created ON fleet_tasks (operator_id, created_at DESC);
-- The monitor's query: tasks whose process may still be alive on a given instance.
CREATE INDEX IF NOT EXISTS idx_fleet_tasks_runner ON fleet_tasks (runner_instance)
    WHERE process_ended_at IS NULL OR status IN ('proposed', 'spawning', 'running');
