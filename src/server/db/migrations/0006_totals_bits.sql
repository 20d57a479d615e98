-- 0006: distinct counts of any period from a few bitmaps. Never edit once landed.
--
-- "Households visited" and "active volunteers" in a period that is not a calendar week, month, quarter or year were
-- read from one row per (day, previous visit day) or per (day, volunteer): rows in proportion to the visits. Now each
-- household and volunteer has a slot in each area it counts in, and a bitmap per area and run of days says which
-- slots were visited (households) or visited someone (volunteers) in it. Runs are aligned powers of two of days
-- (span j: the days [block * 4^j, (block + 1) * 4^j), j = 0…4), so any period is the union of a few, and its
-- distinct count is bit_count(bit_or(...)) over those few rows (services/totals.ts).

-- A member's place in an area's bitmaps: kind h a household, v a volunteer. Never reused, never moved.
CREATE TABLE agg_slots (
  level  char(1) NOT NULL,
  area   text NOT NULL,
  kind   char(1) NOT NULL,
  member uuid NOT NULL,
  slot   integer NOT NULL,
  PRIMARY KEY (level, area, kind, member)
);
CREATE INDEX agg_slots_top_idx ON agg_slots (level, area, kind, slot);

-- Slots chunk * 2048 … chunk * 2048 + 2047 of an area, over the days of one aligned run.
CREATE TABLE agg_bits (
  level char(1) NOT NULL,
  area  text NOT NULL,
  kind  char(1) NOT NULL,
  span  smallint NOT NULL,
  block integer NOT NULL,
  chunk integer NOT NULL,
  bits  bit(2048) NOT NULL,
  PRIMARY KEY (level, area, kind, span, block, chunk)
);
-- Small, fixed-size and rewritten often: kept uncompressed in the row.
ALTER TABLE agg_bits ALTER COLUMN bits SET STORAGE PLAIN;

-- Within one aggregator transaction: which members are on or off on which day (marks), then per day bitmap the
-- slots to turn on and off (touched: the longer runs over those days are recomputed from it). Emptied before the
-- commit.
CREATE TABLE agg_marks (
  level  char(1) NOT NULL,
  area   text NOT NULL,
  kind   char(1) NOT NULL,
  member uuid NOT NULL,
  day    integer NOT NULL,
  is_on  boolean NOT NULL
);
CREATE TABLE agg_touched (
  level    char(1) NOT NULL,
  area     text NOT NULL,
  kind     char(1) NOT NULL,
  day      integer NOT NULL,
  chunk    integer NOT NULL,
  on_bits  bit(2048),
  off_bits bit(2048)
);

-- The sums of agg_sums run on: grain m, bucket M holds everything up to the end of month M; grain d, bucket D what
-- the days of D's month up to D add to it. So a state as of day X, or the visits up to X, is two rows: the last m
-- row before X's month and the last d row of X's month up to X (a bucket with no row did not change). A period's
-- figures are four index lookups per area, however long the period and the history.
CREATE TABLE agg_running (
  level  char(1) NOT NULL,
  area   text NOT NULL,
  grain  char(1) NOT NULL,
  bucket integer NOT NULL,
  visits integer NOT NULL DEFAULT 0, households integer NOT NULL DEFAULT 0, people integer NOT NULL DEFAULT 0,
  at_target integer NOT NULL DEFAULT 0, follow_ups_due integer NOT NULL DEFAULT 0,
  p1 integer NOT NULL DEFAULT 0, p2 integer NOT NULL DEFAULT 0, p3 integer NOT NULL DEFAULT 0,
  p4 integer NOT NULL DEFAULT 0, p5 integer NOT NULL DEFAULT 0,
  g1 integer NOT NULL DEFAULT 0, g2 integer NOT NULL DEFAULT 0, g3 integer NOT NULL DEFAULT 0,
  g4 integer NOT NULL DEFAULT 0, g5 integer NOT NULL DEFAULT 0,
  s1 integer NOT NULL DEFAULT 0, s2 integer NOT NULL DEFAULT 0, s3 integer NOT NULL DEFAULT 0,
  s4 integer NOT NULL DEFAULT 0, s5 integer NOT NULL DEFAULT 0,
  PRIMARY KEY (level, area, grain, bucket)
);

-- Within one aggregator transaction: the day changes of agg_sums, to be run into agg_running. Emptied before the commit.
CREATE TABLE agg_deltas (
  level char(1) NOT NULL,
  area  text NOT NULL,
  day   integer NOT NULL,
  visits integer NOT NULL DEFAULT 0, households integer NOT NULL DEFAULT 0, people integer NOT NULL DEFAULT 0,
  at_target integer NOT NULL DEFAULT 0, follow_ups_due integer NOT NULL DEFAULT 0,
  p1 integer NOT NULL DEFAULT 0, p2 integer NOT NULL DEFAULT 0, p3 integer NOT NULL DEFAULT 0,
  p4 integer NOT NULL DEFAULT 0, p5 integer NOT NULL DEFAULT 0,
  g1 integer NOT NULL DEFAULT 0, g2 integer NOT NULL DEFAULT 0, g3 integer NOT NULL DEFAULT 0,
  g4 integer NOT NULL DEFAULT 0, g5 integer NOT NULL DEFAULT 0,
  s1 integer NOT NULL DEFAULT 0, s2 integer NOT NULL DEFAULT 0, s3 integer NOT NULL DEFAULT 0,
  s4 integer NOT NULL DEFAULT 0, s5 integer NOT NULL DEFAULT 0
);

-- The (day, previous visit day) rows are replaced by the bitmaps.
DROP TABLE agg_visit_days;

-- The new tables start empty: the aggregates are read again from `records` (services/aggregator.ts starts from
-- nothing when the watermark is 0).
TRUNCATE agg_stage, agg_hamlets, agg_households, agg_people, agg_visits, agg_self_checks, agg_sums, agg_periods,
  agg_presence;
UPDATE agg_state SET watermark = 0, updated_at = now() WHERE id = 1;
