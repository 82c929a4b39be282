"""The benchmarks' bare endpoint: absent unless PODIUM_BENCH_ENDPOINTS turns it on, and doing no work."""
import pytest
from sqlalchemy import event

from tests.conftest import PRODUCTION
from voting.config import load_config
from voting.extensions import db



def test_absent_by_default(app, client):
    assert not [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("bench.")]
    assert client.get("/_bench/bare").status_code == 404


@pytest.mark.parametrize(("value", "expected"),
                         [(None, False), ("false", False), ("true", True), ("1", True)])
def test_only_the_environment_turns_it_on(value, expected, tmp_path):
    environ = {**PRODUCTION, **({"PODIUM_BENCH_ENDPOINTS": value} if value else {})}
    settings = load_config(environ=environ, instance_file=tmp_path / "podium.cfg")
    assert settings["PODIUM_BENCH_ENDPOINTS"] is expected


@pytest.mark.parametrize("app_config", [{"PODIUM_BENCH_ENDPOINTS": True}])
def test_answers_without_session_or_database(app, client, app_config):
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/_bench/bare")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200 and response.text == "ok\n"
    assert "Set-Cookie" not in response.headers
    assert statements == []
