"""An event lasts at most PODIUM_MAX_EVENT_DAYS (60 unless configured): the console refuses longer ones."""
import pytest
from sqlalchemy import select

from tests.events import event_form
from voting.config import ConfigError, load_config
from voting.events.models import Event
from voting.extensions import db

CONSOLE = "/events/tokyo/manage"


def test_an_event_of_sixty_days_is_created_and_one_of_sixty_one_refused_on_its_last_day(scene, login):
    client = login(scene.admin)
    refused = client.post("/events/new", data=event_form(starts_on="2031-05-10", ends_on="2031-07-09"))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "An event lasts at most 60 days; this one would last 61." in page and 'role="alert"' in page
    assert db.session.scalar(select(Event).filter_by(slug="osaka")) is None
    created = client.post("/events/new", data=event_form(starts_on="2031-05-10", ends_on="2031-07-08"))
    assert created.status_code == 302
    assert db.session.scalar(select(Event).filter_by(slug="osaka")).ends_on.isoformat() == "2031-07-08"


@pytest.mark.parametrize("ends_on", ["2031-12-31", "9999-12-31"])
def test_the_settings_refuse_to_stretch_an_event(scene, login, ends_on):
    before = scene.event.ends_on
    response = login(scene.organiser).post(CONSOLE, data=event_form(slug="tokyo", ends_on=ends_on))
    assert response.status_code == 400 and "An event lasts at most 60 days" in response.get_data(as_text=True)
    db.session.expire_all()
    assert scene.event.ends_on == before


@pytest.mark.parametrize("app_config", [{"PODIUM_MAX_EVENT_DAYS": 2}])
def test_the_limit_is_a_setting(scene, login):
    form = event_form(starts_on="2031-05-10", ends_on="2031-05-12")
    response = login(scene.admin).post("/events/new", data=form)
    assert response.status_code == 400 and "An event lasts at most 2 days; this one would last 3." in (
        response.get_data(as_text=True))


def test_the_limit_comes_from_the_environment_as_a_whole_number_of_days():
    assert load_config(environ={})["PODIUM_MAX_EVENT_DAYS"] == 60
    assert load_config(environ={"PODIUM_MAX_EVENT_DAYS": "14"})["PODIUM_MAX_EVENT_DAYS"] == 14
    for value in ("0", "-3", "two weeks", "1.5"):
        with pytest.raises(ConfigError, match="PODIUM_MAX_EVENT_DAYS must be a whole number"):
            load_config(environ={"PODIUM_MAX_EVENT_DAYS": value})
