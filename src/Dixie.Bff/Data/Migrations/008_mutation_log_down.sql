-- Rolls back 008: drops governance_mutations and the logged mutations.

DROP TABLE IF EXISTS governance_mutations;
