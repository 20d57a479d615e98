-- 0005: a staging table for the aggregator's set-based sums. Never edit once landed.
--
-- Within one aggregator transaction (services/aggregator.ts), each recomputed household's previous digest goes in
-- with sign -1 and its new digest with sign +1; set-based statements then turn the staged digests into the summed
-- changes of agg_sums, agg_periods, agg_visit_days and agg_presence, and the table is emptied before the commit.
CREATE TABLE agg_stage (
  sign         smallint NOT NULL CHECK (sign IN (-1, 1)),
  household_id uuid NOT NULL,
  digest       jsonb NOT NULL
);
