-- Rolls back 020. Refuses while any task has status `completed`, because the restored 12-status
-- check cannot hold such a row; the exception rolls the whole file back, so nothing changes. Otherwise
-- drops the four indexes, the two added checks and the eleven columns (with their data) and restores
-- the 12-status valid_status and max_retries >= 0.

DO $$
DECLARE
    completed_tasks bigint;
BEGIN
    IF to_regclass('fleet_tasks') IS NULL THEN
        RETURN;
    END IF;

    SELECT count(*) INTO completed_tasks FROM fleet_tasks WHERE status = 'completed';
    IF completed_tasks > 0 THEN
        RAISE EXCEPTION '020_fleet_task_runner cannot be rolled back: % fleet task(s) have status completed, which the previous schema does not allow. Change or delete those tasks first.', completed_tasks;
    END IF;
END
$$;

DROP INDEX IF EXISTS idx_fleet_tasks_runner;
DROP INDEX IF EXISTS idx_fleet_tasks_operator_created;
DROP INDEX IF EXISTS idx_fleet_tasks_operator_status;
DROP INDEX IF EXISTS uq_fleet_tasks_operator_context;

ALTER TABLE IF EXISTS fleet_tasks DROP CONSTRAINT IF EXISTS valid_repository_present;
ALTER TABLE IF EXISTS fleet_tasks DROP CONSTRAINT IF EXISTS valid_timeout_minutes;

ALTER TABLE IF EXISTS fleet_tasks
    DROP COLUMN IF EXISTS repository,
    DROP COLUMN IF EXISTS base_branch,
    DROP COLUMN IF EXISTS timeout_minutes,
    DROP COLUMN IF EXISTS context_overrides,
    DROP COLUMN IF EXISTS result,
    DROP COLUMN IF EXISTS runner_instance,
    DROP COLUMN IF EXISTS process_pid,
    DROP COLUMN IF EXISTS process_started_at,
    DROP COLUMN IF EXISTS process_ended_at,
    DROP COLUMN IF EXISTS exit_code,
    DROP COLUMN IF EXISTS log_path;

ALTER TABLE IF EXISTS fleet_tasks DROP CONSTRAINT IF EXISTS valid_status;
ALTER TABLE IF EXISTS fleet_tasks ADD CONSTRAINT valid_status CHECK (status IN ('proposed', 'spawning',
    'running', 'pr_created', 'reviewing', 'ready', 'merged', 'failed', 'retrying', 'abandoned',
    'rejected', 'cancelled'));

ALTER TABLE IF EXISTS fleet_tasks DROP CONSTRAINT IF EXISTS valid_max_retries;
ALTER TABLE IF EXISTS fleet_tasks ADD CONSTRAINT valid_max_retries CHECK (max_retries >= 0);
