"""Fixtures for the tests on real parts. They need PostgreSQL (TEST_DATABASE_URL), as CI provides."""
import pytest

from tests.support.live import POSTGRES_URL, LiveDatabase


@pytest.fixture(scope="module")
def live_database():
    """A fresh, migrated PostgreSQL database for the module, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL (CI does)")
    with LiveDatabase() as database:
        yield database
