-- 0001: accounts, sessions, synced records, conflicts. Never edit once landed: add 0002_… instead.

CREATE TABLE teams (
  id            uuid PRIMARY KEY,
  name          text NOT NULL,
  province_code text NOT NULL,
  commune_code  text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id             uuid PRIMARY KEY,
  phone          text NOT NULL UNIQUE,
  name           text NOT NULL,
  role           text NOT NULL CHECK (role IN ('admin', 'coordinator', 'team-leader', 'volunteer')),
  password_hash  text NOT NULL,
  -- What the user may read and write: 'all' (admin), 'province' (scope_province), 'communes' (scope_communes).
  scope_kind     text NOT NULL CHECK (scope_kind IN ('all', 'province', 'communes')),
  scope_province text,
  scope_communes text[] NOT NULL DEFAULT '{}',
  -- How the scope was given, for display: 'province:38', 'commune:14845', 'district:380', 'team:<id>'.
  scope_label    text NOT NULL,
  team_id        uuid REFERENCES teams (id),
  active         boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  token_hash   text PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- One global change sequence: every stored change takes the next number; pull pages by it.
CREATE SEQUENCE change_seq;

-- The current state of every synced record (hamlet, household, person, visit), newest change's seq on the row.
CREATE TABLE records (
  entity        text NOT NULL CHECK (entity IN ('hamlet', 'household', 'person', 'visit')),
  id            uuid NOT NULL,
  province_code text NOT NULL,
  commune_code  text NOT NULL,
  version       integer NOT NULL,
  seq           bigint NOT NULL,
  deleted       boolean NOT NULL DEFAULT false,
  content_hash  text NOT NULL,
  data          jsonb NOT NULL,
  updated_by    uuid,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (entity, id)
);
CREATE UNIQUE INDEX records_seq_idx ON records (seq);
CREATE INDEX records_commune_seq_idx ON records (commune_code, seq);
CREATE INDEX records_province_seq_idx ON records (province_code, seq);

-- Changes that could not be applied without losing someone's work: kept with both versions for a person to resolve.
CREATE TABLE conflicts (
  id             uuid PRIMARY KEY,
  entity         text NOT NULL,
  record_id      uuid NOT NULL,
  province_code  text NOT NULL,
  commune_code   text NOT NULL,
  problem        text NOT NULL,
  base_version   integer,
  server_version integer NOT NULL,
  server_record  jsonb NOT NULL,
  device_record  jsonb NOT NULL,
  device_id      text NOT NULL,
  user_id        uuid NOT NULL REFERENCES users (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  resolved_at    timestamptz,
  resolved_by    uuid REFERENCES users (id),
  resolution     text CHECK (resolution IN ('device', 'server', 'merged'))
);
CREATE INDEX conflicts_open_commune_idx ON conflicts (commune_code) WHERE resolved_at IS NULL;
