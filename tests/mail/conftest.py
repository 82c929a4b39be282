"""Fixtures of the mail tests: the real SMTP server, an admin, reloading a mail."""
import pytest

from tests.factories import make_user
from tests.support.smtp import app_config, smtp_port, smtp_server, smtp_server_down  # noqa: F401
from voting.extensions import db
from voting.mail.models import OutboxMail


@pytest.fixture
def admin(app):
    """A site admin."""
    return make_user(name="Ada Admin", is_admin=True)


def reload(mail):
    """The mail as the database has it now (after a worker ran in another session)."""
    db.session.expire_all()
    return db.session.get(OutboxMail, mail.id)
