"""Counting the SQL statements a block of code runs."""
from contextlib import contextmanager

from sqlalchemy import event as sa_event

from voting.extensions import db


@contextmanager
def counted_statements():
    """The SQL statements run inside the block (a list filled as they run)."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)
