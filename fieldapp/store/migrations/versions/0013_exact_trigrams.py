"""Search: the trigram index compares exactly, so it can count a term on its own.

SQLite only (the laptop). ``slip_search_fts`` (0005) folded case with FTS5's Unicode
rules (``case_sensitive 0``), while the searched text is lower-cased the way LIKE
compares (ASCII only): a trigram match was a candidate that ``instr`` still had to
confirm. Made again with ``case_sensitive 1`` over the same text, a match *is* the
substring (a phrase of consecutive trigrams), so the number of slips with a term comes
straight from the index (`fieldapp.store.search.count_matching`): 0.6 ms instead of
~35 ms for a term in 20,000 of 100,000 slips. External content: rebuilt from
``slip_search`` in one pass; the triggers of 0012 keep it in sync as before.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_REBUILD = "INSERT INTO slip_search_fts (slip_search_fts) VALUES ('rebuild')"


def _remake(tokenize: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    exists = bind.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = 'slip_search_fts'").scalar() == 1
    if not exists:  # SQLite without FTS5's trigrams: the search scans, as before
        return
    op.execute("DROP TABLE slip_search_fts")
    op.execute("CREATE VIRTUAL TABLE slip_search_fts USING fts5("
               f" body, content='slip_search', content_rowid='id', tokenize='{tokenize}')")
    op.execute(_REBUILD)


def upgrade() -> None:
    _remake("trigram case_sensitive 1")


def downgrade() -> None:
    _remake("trigram")
