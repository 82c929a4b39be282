"""Absolute links come from PODIUM_BASE_URL, never from the Host header a request brings.

A forged Host (or X-Forwarded-Host through a trusted proxy) must not put the attacker's address into
an API answer, an export someone downloads, or a mail queued during the request.
"""
import json
import re

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.export import build_world
from tests.test_route_access import World
from voting.extensions import db
from voting.models import OutboxMail

BASE = "https://podium.example.org"
# Addresses that are not the site's: tests/export's speaker photo, the frab JSON schema.
OTHERS = ("https://img.test/", "https://c3voc.de/")
FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}
pytestmark = pytest.mark.parametrize("app_config", [{"PODIUM_BASE_URL": BASE, "PODIUM_TRUSTED_PROXIES": "1"}])


def links_in(text):
    """Every http(s) address in the text but the speakers' photos (their own addresses)."""
    return [link for link in re.findall(r"https?://[^\s\"'<>,\\]+", text) if not link.startswith(OTHERS)]


def assert_on_base(text, where):
    links = links_in(text)
    assert links, f"no link in {where}"
    assert "evil.example" not in text, f"the forged host in {where}"
    assert all(link.startswith(BASE + "/") for link in links), f"{where}: {links[:5]}"


def sign_in_on_the_forged_host(client, user):
    """Sign in, with the session cookie also sent to the forged host (as a browser tricked there would)."""
    sign_in(client, user)
    client.set_cookie("podium_session", client.get_cookie("podium_session").value, domain="evil.example")


def test_the_api_links_to_the_site_address(app, client):
    build_world()
    for path in ("/api/v1/events", "/api/v1/events/expo/proposals?per_page=1",
                 "/api/v1/events/expo/schedule"):
        response = client.get(path, headers=FORGED)
        assert response.status_code == 200, path
        assert_on_base(json.dumps(response.get_json()), path)


@pytest.mark.parametrize("name", ["accepted.csv", "accepted.json", "schedule.xml", "schedule.json",
                                  "schedule.ics"])
def test_an_export_links_to_the_site_address(app, client, name):
    world = build_world()
    sign_in_on_the_forged_host(client, world.organiser)
    with client.get(f"/events/expo/export/{name}", headers=FORGED) as response:
        assert response.status_code == 200
        assert_on_base(response.get_data(as_text=True).replace("\r\n ", ""), name)  # .ics folds long lines


def test_a_mail_queued_in_the_request_links_to_the_site_address(app, client):
    world = World()
    sign_in_on_the_forged_host(client, world.users["speaker"])
    response = client.post("/events/summit/proposals/the-talk/speakers", data={"email": "new@example.org"},
                           headers=FORGED)
    assert response.status_code == 302 and "login" not in response.headers["Location"]
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == "new@example.org"))
    assert_on_base(mail.body, "the invitation mail")
