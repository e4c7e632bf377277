"""search_words: writers of the vocabulary take turns (no deadlock between two imports)

Revision ID: 0033
Revises: 0032

0029's trigger function takes a product's words' rows in order, but only within one row: a
transaction that writes several products (a bulk import, a store's approval, a seeding job)
takes them row after row, so two such transactions sharing words ("kota", "tegal", "batik")
took them in different orders and PostgreSQL killed one of them ("deadlock detected", seen
with two bench seeding jobs of 50 stores). Now the function first takes one transaction-level
advisory lock, so writers of the vocabulary queue instead. Only writes that change a listed
product's words take it: orders and stock changes do not touch the vocabulary. SQLite has one
writer at a time already, so nothing changes there.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

# 0029's text and words, frozen here as a migration must be.
TEXT = " || ' ' || ".join(
    ("{row}.name", "{row}.store_name", "coalesce({row}.category_slug, '')", "{row}.sector", "{row}.city")
)
PG_WORDS = (
    "SELECT DISTINCT w FROM regexp_split_to_table(lower({text}), '[^[:alnum:]]+') AS w WHERE length(w) BETWEEN 2 AND 40"
)
# The key of the advisory lock: any fixed number the app uses for nothing else.
LOCK_KEY = 2029_0033


def _function(lock: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION search_words_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  new_text text := '';
  old_text text := '';
BEGIN
  IF TG_OP <> 'DELETE' AND NEW.listed THEN new_text := {TEXT.format(row="NEW")}; END IF;
  IF TG_OP <> 'INSERT' AND OLD.listed THEN old_text := {TEXT.format(row="OLD")}; END IF;{lock}
  INSERT INTO search_words (word, docs)
  SELECT w, sum(d) FROM (
    SELECT w, 1 AS d FROM ({PG_WORDS.format(text="new_text")}) AS n
    UNION ALL
    SELECT w, -1 AS d FROM ({PG_WORDS.format(text="old_text")}) AS o
  ) AS delta GROUP BY w HAVING sum(d) <> 0 ORDER BY w
  ON CONFLICT (word) DO UPDATE SET docs = search_words.docs + excluded.docs;
  IF old_text <> '' THEN
    DELETE FROM search_words WHERE docs <= 0 AND word IN ({PG_WORDS.format(text="old_text")});
  END IF;
  RETURN NULL;
END $$
"""


LOCK = f"""
  IF new_text = old_text THEN RETURN NULL; END IF;
  PERFORM pg_advisory_xact_lock({LOCK_KEY});"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_function(LOCK))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_function(""))
