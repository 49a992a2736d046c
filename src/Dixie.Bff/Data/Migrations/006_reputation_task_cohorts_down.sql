-- Rolls back 006: drops reputation_task_cohorts and its rows.

DROP TABLE IF EXISTS reputation_task_cohorts;
