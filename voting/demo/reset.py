"""Removing the demo data again, whatever the backend does about foreign keys."""
from sqlalchemy import delete, select, update

from voting.demo.event import DEMO_SLUG
from voting.demo.people import DOMAIN
from voting.extensions import db
from voting.models import Event, User


def reset_demo():
    """Delete the demo event and the demo users, and every row that hangs off them."""
    delete_cascading(Event.__table__, Event.__table__.c.slug == DEMO_SLUG)
    delete_cascading(User.__table__, User.__table__.c.email.like(f"%@{DOMAIN}"))


def delete_cascading(table, where):
    """Delete the rows of `table` matching `where`, their dependants first.

    SQLite only enforces foreign keys when asked to, so the cascade is done here on every backend:
    SET NULL references are cleared, all others (CASCADE and RESTRICT alike) are deleted.
    """
    doomed = select(table.c.id).where(where)
    for child, column, ondelete in dependants(table):
        if ondelete == "SET NULL":
            db.session.execute(update(child).where(column.in_(doomed)).values({column.name: None}))
        else:
            delete_cascading(child, column.in_(doomed))
    db.session.execute(delete(table).where(where))


def dependants(table):
    """(child table, foreign key column, ON DELETE action) for every reference to `table`."""
    for child in db.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table and child is not table:
                yield child, fk.parent, (fk.ondelete or "").upper()
