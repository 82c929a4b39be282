"""No export and no API response carries a private field: chairs' reviews, emails, votes, decision reasons."""
import pytest

from tests.conftest import sign_in
from tests.export import SECRETS, build_world
from tests.export.test_formats import NAMES
from voting.export.formats import FORMATS

API_PATHS = ("/api/v1/events", "/api/v1/events/expo/proposals?per_page=200", "/api/v1/events/expo/schedule",
             "/api/v1/openapi.json")


def assert_no_secret(body, where):
    leaks = [name for name, secret in SECRETS.items() if secret.lower() in body.lower()]
    assert leaks == [], f"{where} carries {leaks}"


@pytest.mark.parametrize("as_organiser", [False, True], ids=["public", "organiser"])
def test_no_export_carries_private_data(app, client, as_organiser):
    world = build_world()
    if as_organiser:
        sign_in(client, world.organiser)
    for name in NAMES:
        response = client.get(f"/events/expo/export/{name}")
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "Ceph at scale" in body
        assert_no_secret(body, name)


def test_no_api_response_carries_private_data(app, client):
    build_world()
    for path in API_PATHS:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_secret(response.get_data(as_text=True), path)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda fmt: fmt.option)
def test_no_cli_export_carries_private_data(app, runner, fmt):
    build_world()
    result = runner.invoke(args=["export", "--event", "expo", "--format", fmt.option])
    assert result.exit_code == 0, result.output
    assert "Ceph at scale" in result.stdout
    assert_no_secret(result.stdout, fmt.option)
