-- 0004: residents' self-checks and household link codes. Never edit once landed: add a new numbered file instead.

-- Self-checks are stored like every synced record (a seq, the household's commune), so volunteers pull them.
ALTER TABLE records DROP CONSTRAINT records_entity_check;
ALTER TABLE records ADD CONSTRAINT records_entity_check
  CHECK (entity IN ('hamlet', 'household', 'person', 'visit', 'self-check'));

-- A household's link codes. Only a SHA-256 of the normalised code is kept: the database never holds a code that
-- works. The area is copied from the household so scope checks need no join; `hint` (the code's last four symbols)
-- lets a volunteer tell two cards apart. Revoked links are kept (revoked_at) so a revoked code stays refused.
CREATE TABLE household_links (
  id            uuid PRIMARY KEY,
  household_id  uuid NOT NULL,
  hamlet_id     uuid NOT NULL,
  province_code text NOT NULL,
  commune_code  text NOT NULL,
  code_hash     text NOT NULL UNIQUE,
  hint          text NOT NULL,
  created_by    uuid NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz,
  revoked_by    uuid
);
CREATE INDEX household_links_household_idx ON household_links (household_id);
