"""the search's vocabulary, for spelling tolerance

Revision ID: 0029
Revises: 0028

- search_words: every word of the listed products' names, store names, category and sector
  slugs and cities, with the number of listed products that carry it (``docs``). Kept exact by
  triggers on product_listings (which are kept by triggers themselves), on both databases.
  catalog/spelling.py reads it to correct a word the catalogue does not know (btaik → batik),
  to split one (tehpoci → teh poci) and to join two (teh poci → tehpoci).
- its trigram index: pg_trgm's GIN (similar words by ``%``) on PostgreSQL, an FTS5 table with
  the trigram tokenizer on SQLite.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

# What a product is known by, in the words a shopper types: product_listings columns.
TEXT = " || ' ' || ".join(
    ("{row}.name", "{row}.store_name", "coalesce({row}.category_slug, '')", "{row}.sector", "{row}.city")
)
CHANGED = " OR ".join(
    f"OLD.{c} IS NOT NEW.{c}" for c in ("listed", "name", "store_name", "category_slug", "sector", "city")
)
MIN_LEN, MAX_LEN = 2, 40  # a one-letter word corrects nothing; the search cuts words at 40

# --- PostgreSQL: one trigger function; each write adds and removes the words that differ,
# in one statement that takes the words' rows in order (two writers never wait on each other
# in a cycle), and drops a word no listed product carries any more.

PG_WORDS = (
    "SELECT DISTINCT w FROM regexp_split_to_table(lower({text}), '[^[:alnum:]]+') AS w "
    f"WHERE length(w) BETWEEN {MIN_LEN} AND {MAX_LEN}"
)
PG_FUNCTION = f"""
CREATE FUNCTION search_words_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  new_text text := '';
  old_text text := '';
BEGIN
  IF TG_OP <> 'DELETE' AND NEW.listed THEN new_text := {TEXT.format(row="NEW")}; END IF;
  IF TG_OP <> 'INSERT' AND OLD.listed THEN old_text := {TEXT.format(row="OLD")}; END IF;
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
PG_TRIGGERS = (
    "CREATE TRIGGER search_words_insert AFTER INSERT ON product_listings "
    "FOR EACH ROW WHEN (NEW.listed) EXECUTE FUNCTION search_words_keep()",
    "CREATE TRIGGER search_words_update AFTER UPDATE ON product_listings "
    f"FOR EACH ROW WHEN ({CHANGED.replace(' IS NOT ', ' IS DISTINCT FROM ')}) EXECUTE FUNCTION search_words_keep()",
    "CREATE TRIGGER search_words_delete AFTER DELETE ON product_listings "
    "FOR EACH ROW WHEN (OLD.listed) EXECUTE FUNCTION search_words_keep()",
)

# --- SQLite: a trigger cannot hold a recursive query, so the text becomes a JSON array of
# words (separators → spaces → '","') and json_each splits it; the replacements are chained
# through subqueries, a dozen deep each, as the parser's stack allows. A character that would
# still make the JSON invalid makes the text add no word rather than fail the write. SQLite's
# lower() folds ASCII only, which the shoppers' Indonesian needs.

SEPARATORS = (
    "\"\\\t\n\r-_.,/()&+'`:;!?#%*[]{}<>|@=~^$\u2013\u2014\u2022\u2018\u2019\u201c\u201d\u00ae\u2122\u00d7\u00b7\u00b0"
)


def _json_words(text: str) -> str:
    """A FROM clause whose ``value`` is each word of ``text`` (an SQL expression)."""
    cleaned = f"SELECT lower({text}) AS t"
    for start in range(0, len(SEPARATORS), 12):
        expression = "t"
        for char in SEPARATORS[start : start + 12]:
            literal = char.replace("'", "''")
            expression = f"replace({expression}, '{literal}', ' ')"
        cleaned = f"SELECT {expression} AS t FROM ({cleaned})"
    array = f"SELECT '[\"' || replace(t, ' ', '\",\"') || '\"]' AS a FROM ({cleaned})"
    return f"({array}) AS j, json_each(CASE WHEN json_valid(j.a) THEN j.a ELSE '[]' END)"


LENGTH = f"length(value) BETWEEN {MIN_LEN} AND {MAX_LEN}"


def _sqlite_add(row: str) -> str:
    return (
        f"INSERT INTO search_words (word, docs) SELECT DISTINCT value, 1 FROM {_json_words(TEXT.format(row=row))} "
        f"WHERE {row}.listed AND {LENGTH} ON CONFLICT (word) DO UPDATE SET docs = docs + 1"
    )


def _sqlite_remove(row: str) -> str:
    words = f"SELECT value FROM {_json_words(TEXT.format(row=row))} WHERE {LENGTH}"
    return (
        f"UPDATE search_words SET docs = docs - 1 WHERE {row}.listed AND word IN ({words}); "
        f"DELETE FROM search_words WHERE docs <= 0 AND word IN ({words})"
    )


SQLITE_TRIGGERS = (
    "CREATE TRIGGER search_words_insert AFTER INSERT ON product_listings WHEN NEW.listed "
    f"BEGIN {_sqlite_add('NEW')}; END",
    # the words of NEW come, then those of OLD go: a word in both ends where it was, never at 0
    f"CREATE TRIGGER search_words_update AFTER UPDATE ON product_listings WHEN {CHANGED} BEGIN "
    f"{_sqlite_add('NEW')}; {_sqlite_remove('OLD')}; END",
    "CREATE TRIGGER search_words_delete AFTER DELETE ON product_listings WHEN OLD.listed "
    f"BEGIN {_sqlite_remove('OLD')}; END",
    # the trigram index follows the words (a word's text never changes, only its count)
    "CREATE TRIGGER search_words_fts_insert AFTER INSERT ON search_words BEGIN "
    "INSERT INTO search_words_fts (rowid, word) VALUES (NEW.id, NEW.word); END",
    "CREATE TRIGGER search_words_fts_delete AFTER DELETE ON search_words BEGIN "
    "INSERT INTO search_words_fts (search_words_fts, rowid, word) VALUES ('delete', OLD.id, OLD.word); END",
)
SQLITE_TRIGGER_NAMES = (
    "search_words_insert",
    "search_words_update",
    "search_words_delete",
    "search_words_fts_insert",
    "search_words_fts_delete",
)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "search_words",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=80), nullable=False),
        sa.Column("docs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_words")),
        sa.UniqueConstraint("word", name=op.f("uq_search_words_word")),
    )
    if dialect == "postgresql":
        # GIN, not GiST: the words sharing enough trigrams (``%``) in under a millisecond at 50,000
        # words, where GiST's nearest-first (``<->``) scan took 18 ms. On lower(word) (the words
        # are lower case already): pg_trgm answers ``=`` too, and on the plain column the planner
        # chose it over the unique b-tree for a thousand keys' lookup (21 ms against 0.5)
        op.execute("CREATE INDEX ix_search_words_trgm ON search_words USING gin (lower(word) gin_trgm_ops)")
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
        words = PG_WORDS.format(text=TEXT.format(row="l"))
        op.execute(
            "INSERT INTO search_words (word, docs) SELECT w, count(*) FROM product_listings AS l "
            f"CROSS JOIN LATERAL ({words}) AS x WHERE l.listed GROUP BY w ORDER BY w"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_words_fts USING fts5("
            "word, content='search_words', content_rowid='id', tokenize='trigram')"
        )
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
        _fill_sqlite()


def _sqlite_split(text: str) -> set[str]:
    """The words the SQLite triggers take from ``text``, computed the same way."""
    folded = "".join(c.lower() if c.isascii() else c for c in text)
    for char in SEPARATORS:
        folded = folded.replace(char, " ")
    return {w for w in folded.split(" ") if MIN_LEN <= len(w) <= MAX_LEN}


def _fill_sqlite():
    # the existing catalogue's words (a trigger's SELECT cannot be run for every row at once:
    # SQLite has no lateral subquery), counted here as the triggers count them
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT name, store_name, coalesce(category_slug, ''), sector, city FROM product_listings WHERE listed")
    )
    docs: dict[str, int] = {}
    for row in rows:
        for word in _sqlite_split(" ".join(row)):
            docs[word] = docs.get(word, 0) + 1
    if docs:
        bind.execute(
            sa.text("INSERT INTO search_words (word, docs) VALUES (:word, :docs)"),
            [{"word": w, "docs": n} for w, n in sorted(docs.items())],
        )


def downgrade():
    # pg_trgm stays: IF NOT EXISTS may have found it there, and it costs nothing unused
    if op.get_bind().dialect.name == "postgresql":
        for name in ("search_words_insert", "search_words_update", "search_words_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON product_listings")
        op.execute("DROP FUNCTION IF EXISTS search_words_keep()")
        op.execute("DROP INDEX IF EXISTS ix_search_words_trgm")
    else:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_words_fts")
    op.drop_table("search_words")
