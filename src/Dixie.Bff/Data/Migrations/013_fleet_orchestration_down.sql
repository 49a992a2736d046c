-- Rolls back 013: drops fleet_config, fleet_notifications and fleet_tasks with their rows, then the
-- two updated_at trigger functions. CASCADE also removes the row-level security policies that a
-- database adopted from the TypeScript service carries on these tables.

DROP TABLE IF EXISTS fleet_config CASCADE;
DROP TABLE IF EXISTS fleet_notifications CASCADE;
DROP TABLE IF EXISTS fleet_tasks CASCADE;
DROP FUNCTION IF EXISTS update_fleet_config_updated_at();
DROP FUNCTION IF EXISTS update_fleet_tasks_updated_at();
