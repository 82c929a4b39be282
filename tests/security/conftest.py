"""Shared by the security tests."""
import gc

import pytest


@pytest.fixture(autouse=True)
def _collect_spooled_bodies():
    """Collect after each test, so a body the test client spooled and left open is closed here."""
    yield
    gc.collect()
