-- 0003: totals by area, team, volunteer and period, and the devices that sync. Never edit once landed.
--
-- The agg_ tables are maintained asynchronously from the change sequence by src/server/services/aggregator.ts (the
-- push path never writes them) and can be rebuilt from `records` at any time: empty them and set the watermark to 0.
-- Days are Vietnam calendar days (UTC+7) numbered from 1970-01-01. Sums are kept per level: p province, d pre-2025
-- district, c commune (`area` is its code); hamlets, teams and volunteers are read from their households' digests.

CREATE TABLE agg_state (
  id         smallint PRIMARY KEY CHECK (id = 1),
  -- The last change sequence number the aggregates reflect.
  watermark  bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO agg_state (id, watermark) VALUES (1, 0);

-- Hamlets as last read, for names and drill-down lists.
CREATE TABLE agg_hamlets (
  id            uuid PRIMARY KEY,
  province_code text NOT NULL,
  commune_code  text NOT NULL,
  name          text NOT NULL,
  deleted       boolean NOT NULL
);
CREATE INDEX agg_hamlets_commune_idx ON agg_hamlets (commune_code);

-- Each household's place (resolved to the 2025 units; `old_district` set when the record carries pre-2025 codes)
-- and the digest its current contribution to the sums was computed from (null: it contributes nothing).
CREATE TABLE agg_households (
  id            uuid PRIMARY KEY,
  province_code text NOT NULL,
  commune_code  text NOT NULL,
  hamlet_id     uuid NOT NULL,
  old_district  text,
  created_day   integer NOT NULL,
  deleted       boolean NOT NULL,
  digest        jsonb
);
CREATE INDEX agg_households_commune_idx ON agg_households (commune_code, hamlet_id);
CREATE INDEX agg_households_hamlet_idx ON agg_households (hamlet_id);

CREATE TABLE agg_people (
  id           uuid PRIMARY KEY,
  household_id uuid NOT NULL,
  created_day  integer NOT NULL,
  deleted      boolean NOT NULL
);
CREATE INDEX agg_people_household_idx ON agg_people (household_id);

-- Visit events (append-only) in the fields the totals need; the volunteer and their team are resolved once, when the
-- event is first read: a visit stays with the team its author was in.
CREATE TABLE agg_visits (
  id           uuid PRIMARY KEY,
  household_id uuid NOT NULL,
  corrects     uuid,
  visited_at   text NOT NULL,
  recorded_at  text NOT NULL,
  follow_up_on text,
  -- [[personId, skill, outcome], …]
  outcomes     jsonb NOT NULL,
  volunteer_id uuid,
  team_id      uuid
);
CREATE INDEX agg_visits_household_idx ON agg_visits (household_id);
-- Which households a volunteer or a team has visited: where their totals are read from.
CREATE INDEX agg_visits_volunteer_idx ON agg_visits (volunteer_id);
CREATE INDEX agg_visits_team_idx ON agg_visits (team_id);

-- Residents' self-checks: the self-reported level per skill ({ skill: level }), never mixed with observed outcomes.
CREATE TABLE agg_self_checks (
  id           uuid PRIMARY KEY,
  household_id uuid NOT NULL,
  received_at  text NOT NULL,
  levels       jsonb NOT NULL
);
CREATE INDEX agg_self_checks_household_idx ON agg_self_checks (household_id);

-- Sums per bucket of a day (grain d) or a month (grain m). `visits` counts the effective visits made in the bucket;
-- every other column is the change, within the bucket, of a state held "as of" a day: its value on day D is the sum
-- of the buckets up to D. p1..p5 / g1..g5: people proficient / guided in each skill (SKILL_CODES order);
-- s1..s5: households whose latest self-check says "can do it alone".
CREATE TABLE agg_sums (
  level          char(1) NOT NULL,
  area           text NOT NULL,
  grain          char(1) NOT NULL,
  bucket         integer NOT NULL,
  visits         integer NOT NULL DEFAULT 0,
  households     integer NOT NULL DEFAULT 0,
  people         integer NOT NULL DEFAULT 0,
  at_target      integer NOT NULL DEFAULT 0,
  follow_ups_due integer NOT NULL DEFAULT 0,
  p1 integer NOT NULL DEFAULT 0, p2 integer NOT NULL DEFAULT 0, p3 integer NOT NULL DEFAULT 0,
  p4 integer NOT NULL DEFAULT 0, p5 integer NOT NULL DEFAULT 0,
  g1 integer NOT NULL DEFAULT 0, g2 integer NOT NULL DEFAULT 0, g3 integer NOT NULL DEFAULT 0,
  g4 integer NOT NULL DEFAULT 0, g5 integer NOT NULL DEFAULT 0,
  s1 integer NOT NULL DEFAULT 0, s2 integer NOT NULL DEFAULT 0, s3 integer NOT NULL DEFAULT 0,
  s4 integer NOT NULL DEFAULT 0, s5 integer NOT NULL DEFAULT 0,
  PRIMARY KEY (level, area, grain, bucket)
);

-- Households visited per calendar week (w, Monday first), month (m), quarter (q) and year (y): the periods the
-- reports screen offers answer from one row each.
CREATE TABLE agg_periods (
  level              char(1) NOT NULL,
  area               text NOT NULL,
  grain              char(1) NOT NULL,
  bucket             integer NOT NULL,
  visited_households integer NOT NULL DEFAULT 0,
  PRIMARY KEY (level, area, grain, bucket)
);

-- Any other period: every day a household was visited (in an area) with the visit day before it (-1: none). The households visited in [from, to] are the rows with from <= day <= to and prev_day < from:
-- exactly one per household, so no DISTINCT is needed.
CREATE TABLE agg_visit_days (
  level      char(1) NOT NULL,
  area       text NOT NULL,
  day        integer NOT NULL,
  prev_day   integer NOT NULL,
  households integer NOT NULL,
  PRIMARY KEY (level, area, day, prev_day)
);

-- Effective visits per volunteer in each area and day (grain d) or month (m): active where visits > 0. The volunteers
-- active in a period are the distinct ones over its whole months and its remaining days.
CREATE TABLE agg_presence (
  level        char(1) NOT NULL,
  area         text NOT NULL,
  grain        char(1) NOT NULL,
  bucket       integer NOT NULL,
  volunteer_id uuid NOT NULL,
  visits       integer NOT NULL,
  PRIMARY KEY (level, area, grain, bucket, volunteer_id)
);

-- Devices that synced: the device id a push carries, or 'session:<token hash prefix>' for a login that has only
-- pulled so far. No foreign key to users: accounts are never deleted, and the join drops strays.
CREATE TABLE devices (
  device_id    text PRIMARY KEY,
  user_id      uuid NOT NULL,
  session_hash text,
  last_push_at timestamptz,
  last_pull_at timestamptz,
  last_sync_at timestamptz NOT NULL
);
CREATE INDEX devices_user_idx ON devices (user_id);
CREATE INDEX devices_session_idx ON devices (session_hash);
