"""Dossier search on PostgreSQL: word beginnings through a GIN index, as FTS5 does on SQLite
(hand-written: autogenerate must not touch this table; a no-op on SQLite).

SQLite's ``dossier_fts`` (migration 0002) finds every query word at the beginning of a word of
``dossiers.search_text``. PostgreSQL gets the same thing from a side table kept by triggers:
``dossier_words`` holds, for each dossier, a ``tsvector`` of every word of the folded text cut
to its first 1, 2, … 7 characters, plus the whole word when it is longer. A query word of up
to 7 characters is then one exact lexeme (``'nguy'``), and a longer one (an ID number, a phone) a
prefix lexeme (``'0271782585':*``). Exact lexemes let GIN intersect several common words
without reading all of them (a prefix lexeme makes GIN collect its whole list first: 26 ms
against 1.4 ms for "nguyen thi ngoc huyen" on 200,000 dossiers). Vietnamese syllables are at most
7 letters, so every word of a name or procedure is reached exactly.

A side table rather than a column of ``dossiers``: its narrow rows keep the newest-first walk
cheap (the planner walks them backwards by id when the words are common) and the dossier rows
lean. Words split where ``search_text`` has a character that is neither letter nor digit, as
FTS5's ``unicode61`` tokenizer splits; the text is lower-cased first (dossier codes keep
capitals).

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Every word cut to 1…7 characters, and whole when longer. The store's WORD_PREFIX_MAX
# (tthc_desk/db/stores/search.py) must stay equal to this 7. PL/pgSQL rather than SQL: its plans
# are kept for the session, where a SQL function called from a trigger is planned again for every
# row (2.6 times slower).
_PREFIXES = r"""
CREATE FUNCTION tthc_word_prefixes(folded text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
  w text;
  n integer;
  lexemes text[] := '{}';
BEGIN
  FOREACH w IN ARRAY string_to_array(regexp_replace(lower(folded), '[^[:alnum:]]+', ' ', 'g'), ' ')
  LOOP
    CONTINUE WHEN w = '';
    FOR n IN 1 .. least(length(w), 7) LOOP
      lexemes := lexemes || left(w, n);
    END LOOP;
    IF length(w) > 7 THEN
      lexemes := lexemes || w;
    END IF;
  END LOOP;
  RETURN array_to_tsvector(lexemes);
END
$$
"""

_INSERT_FUNCTION = """
CREATE FUNCTION tthc_dossier_words_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dossier_words (dossier_id, words)
  SELECT id, tthc_word_prefixes(search_text) FROM new_dossiers;
  RETURN NULL;
END
$$
"""

_UPDATE_FUNCTION = """
CREATE FUNCTION tthc_dossier_words_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE dossier_words SET words = tthc_word_prefixes(NEW.search_text)
  WHERE dossier_id = NEW.id;
  RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_PREFIXES)
    # A dossier's row goes with it (ON DELETE CASCADE), as FTS5's delete trigger does.
    op.execute(
        "CREATE TABLE dossier_words ("
        "dossier_id integer NOT NULL CONSTRAINT pk_dossier_words PRIMARY KEY "
        "CONSTRAINT fk_dossier_words_dossier_id_dossiers REFERENCES dossiers (id) "
        "ON DELETE CASCADE ON UPDATE CASCADE, "
        "words tsvector NOT NULL)"
    )
    op.execute(
        "INSERT INTO dossier_words (dossier_id, words) "
        "SELECT id, tthc_word_prefixes(search_text) FROM dossiers"
    )
    op.execute("CREATE INDEX ix_dossier_words_words ON dossier_words USING gin (words)")
    op.execute(_INSERT_FUNCTION)
    # One statement for all the rows of a multi-row INSERT (the demo's chunks).
    op.execute(
        "CREATE TRIGGER dossiers_words_ai AFTER INSERT ON dossiers "
        "REFERENCING NEW TABLE AS new_dossiers FOR EACH STATEMENT "
        "EXECUTE FUNCTION tthc_dossier_words_insert()"
    )
    op.execute(_UPDATE_FUNCTION)
    op.execute(
        "CREATE TRIGGER dossiers_words_au AFTER UPDATE OF search_text ON dossiers "
        "FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text) "
        "EXECUTE FUNCTION tthc_dossier_words_update()"
    )
    # Searches with a list filter, and counts, are planned by how common the words are. With
    # the default statistics only the ~700 commonest lexemes are counted and every other one is
    # taken to be in 0.3 % of the rows: a phone's first six digits (in 8 rows of 200,000) then
    # looked common enough to walk all the dossiers by id. 1,000 counts ~3,000 lexemes (ANALYZE:
    # 2 s on 200,000 dossiers). Counted now rather than at autovacuum's next visit.
    op.execute("ALTER TABLE dossier_words ALTER COLUMN words SET STATISTICS 1000")
    op.execute("ANALYZE dossier_words")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS dossiers_words_au ON dossiers")
    op.execute("DROP TRIGGER IF EXISTS dossiers_words_ai ON dossiers")
    op.execute("DROP FUNCTION IF EXISTS tthc_dossier_words_update()")
    op.execute("DROP FUNCTION IF EXISTS tthc_dossier_words_insert()")
    op.execute("DROP TABLE IF EXISTS dossier_words")
    op.execute("DROP FUNCTION IF EXISTS tthc_word_prefixes(text)")
