-- 0002: team rosters. Teams gain a hamlet and an edit time; members are listed with their CCCD encrypted at rest
-- (AES-256-GCM, key from CCCD_KEY) and a keyed HMAC of it, so a duplicate CCCD in a commune is found without
-- decrypting; every "show the whole number" and every import is audited (never with the number).
-- Never edit once landed: add 0003_… instead.

ALTER TABLE teams ADD COLUMN hamlet_id uuid;
ALTER TABLE teams ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX teams_commune_idx ON teams (commune_code);

CREATE TABLE team_members (
  id            uuid PRIMARY KEY,
  team_id       uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  -- The team's commune, copied: a CCCD is listed once per commune (the unique index below).
  commune_code  text NOT NULL,
  full_name     text NOT NULL,
  -- "v1." + base64(iv ‖ auth tag ‖ ciphertext); the digits never appear in the clear.
  cccd_cipher   text NOT NULL,
  -- hex HMAC-SHA256 of the 12 digits under a key derived from CCCD_KEY.
  cccd_hmac     text NOT NULL,
  phone         text NOT NULL,
  birth_year    integer,
  sex           text CHECK (sex IN ('female', 'male', 'other')),
  affiliation   text NOT NULL
    CHECK (affiliation IN ('youth-union', 'women-union', 'commune-police', 'post-telecom', 'school', 'other')),
  role          text NOT NULL CHECK (role IN ('leader', 'member')),
  created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
  updated_by    uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX team_members_team_idx ON team_members (team_id);
CREATE UNIQUE INDEX team_members_commune_cccd_idx ON team_members (commune_code, cccd_hmac);

-- Who saw or wrote what in a roster. `detail` holds counts and file names, never a CCCD or a phone.
CREATE TABLE roster_audit (
  id          uuid PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  action      text NOT NULL,
  team_id     uuid,
  member_id   uuid,
  commune_code text,
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX roster_audit_team_idx ON roster_audit (team_id, at);
