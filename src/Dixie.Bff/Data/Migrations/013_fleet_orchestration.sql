-- fleet_tasks: one row per agent task an operator spawned (spec 07). status follows the task state
-- machine; version is the optimistic-concurrency counter; retry_count never exceeds max_retries.
-- 020 adds the runner's columns and the `completed` status.
-- fleet_notifications: one row per notification about a task (Discord, Telegram or CLI) with its
-- delivery state. Kept for parity with the TypeScript schema; spec 07 decides whether it is used.
-- fleet_config: per-operator preferences (notification targets, default retries and timeout).
-- Kept for parity as well.
--
-- Same tables, constraints, indexes and triggers as the TypeScript service's file of this name
-- (spec 09 §5.6), except that no row-level security is enabled and no policies are created
-- (spec 09 §5.7): tenancy is enforced by every fleet query instead.

CREATE TABLE IF NOT EXISTS fleet_tasks (
    id              uuid        NOT NULL DEFAULT gen_random_uuid(),
    operator_id     text        NOT NULL,
    agent_type      text        NOT NULL,
    model           text        NOT NULL,
    task_type       text        NOT NULL,
    description     text        NOT NULL,
    branch          text        NOT NULL,
    worktree_path   text,
    container_id    text,
    tmux_session    text,
    status          text        NOT NULL DEFAULT 'proposed',
    version         integer     NOT NULL DEFAULT 0,
    pr_number       integer,
    ci_status       text,
    review_status   jsonb,
    retry_count     integer     NOT NULL DEFAULT 0,
    max_retries     integer     NOT NULL DEFAULT 3,
    context_hash    text,
    failure_context jsonb,
    spawned_at      timestamptz,
    completed_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fleet_tasks_pkey PRIMARY KEY (id),
    CONSTRAINT valid_status CHECK (status IN ('proposed', 'spawning', 'running', 'pr_created',
        'reviewing', 'ready', 'merged', 'failed', 'retrying', 'abandoned', 'rejected', 'cancelled')),
    CONSTRAINT valid_agent_type CHECK (agent_type IN ('claude_code', 'codex', 'gemini')),
    CONSTRAINT valid_task_type CHECK (task_type IN ('bug_fix', 'feature', 'refactor', 'review', 'docs')),
    CONSTRAINT valid_retry_count CHECK (retry_count >= 0 AND retry_count <= max_retries),
    CONSTRAINT valid_max_retries CHECK (max_retries >= 0)
);

CREATE INDEX IF NOT EXISTS idx_fleet_tasks_operator ON fleet_tasks (operator_id);
CREATE INDEX IF NOT EXISTS idx_fleet_tasks_status ON fleet_tasks (status);
CREATE INDEX IF NOT EXISTS idx_fleet_tasks_branch ON fleet_tasks (branch);
CREATE INDEX IF NOT EXISTS idx_fleet_tasks_created ON fleet_tasks (created_at DESC);
-- The statuses from which a task can still move on.
CREATE INDEX IF NOT EXISTS idx_fleet_tasks_active ON fleet_tasks (status)
    WHERE status IN ('proposed', 'spawning', 'running', 'pr_created', 'reviewing', 'retrying');

CREATE OR REPLACE FUNCTION update_fleet_tasks_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER trg_fleet_tasks_updated_at
    BEFORE UPDATE ON fleet_tasks
    FOR EACH ROW EXECUTE FUNCTION update_fleet_tasks_updated_at();

CREATE TABLE IF NOT EXISTS fleet_notifications (
    id           uuid        NOT NULL DEFAULT gen_random_uuid(),
    task_id      uuid        NOT NULL,
    channel      text        NOT NULL,
    payload      jsonb       NOT NULL,
    delivered    boolean     NOT NULL DEFAULT false,
    attempts     integer     NOT NULL DEFAULT 0,
    last_error   text,
    delivered_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fleet_notifications_pkey PRIMARY KEY (id),
    CONSTRAINT fleet_notifications_task_id_fkey FOREIGN KEY (task_id)
        REFERENCES fleet_tasks (id) ON DELETE CASCADE,
    CONSTRAINT valid_channel CHECK (channel IN ('discord', 'telegram', 'cli'))
);

CREATE INDEX IF NOT EXISTS idx_fleet_notifications_task ON fleet_notifications (task_id);
CREATE INDEX IF NOT EXISTS idx_fleet_notifications_pending ON fleet_notifications (delivered, created_at)
    WHERE delivered = false;

CREATE TABLE IF NOT EXISTS fleet_config (
    operator_id             text        NOT NULL,
    discord_webhook_url     text,
    telegram_bot_token      text,
    telegram_chat_id        text,
    notify_on_spawn         boolean     NOT NULL DEFAULT true,
    notify_on_complete      boolean     NOT NULL DEFAULT true,
    notify_on_failure       boolean     NOT NULL DEFAULT true,
    default_max_retries     integer     NOT NULL DEFAULT 3,
    default_timeout_minutes integer     NOT NULL DEFAULT 120,
    preferred_model         text,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fleet_config_pkey PRIMARY KEY (operator_id)
);

CREATE OR REPLACE FUNCTION update_fleet_config_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER trg_fleet_config_updated_at
    BEFORE UPDATE ON fleet_config
    FOR EACH ROW EXECUTE FUNCTION update_fleet_config_updated_at();
