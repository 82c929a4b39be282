"""MAIL_* settings from the environment, with safe defaults."""
import pytest

from tests.conftest import PRODUCTION
from voting.config import ConfigError, load_config


def test_defaults_send_to_localhost_and_development_keeps_mail_for_the_browser():
    production = load_config(environ=PRODUCTION)
    assert (production["MAIL_SERVER"], production["MAIL_PORT"]) == ("localhost", 25)
    assert production["MAIL_DEFAULT_SENDER"] == "Podium <podium@localhost>"
    assert (production["MAIL_BACKEND"], production["MAIL_OUTBOX_VIEW"]) == ("smtp", False)
    assert production["MAIL_MAX_ATTEMPTS"] == 8
    development = load_config(environ={})
    assert (development["MAIL_BACKEND"], development["MAIL_OUTBOX_VIEW"]) == ("outbox", True)


def test_mail_settings_come_from_the_environment_with_their_types():
    settings = load_config(environ={
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": "smtp.example.org", "MAIL_PORT": "587", "MAIL_USE_TLS": "true",
        "MAIL_USERNAME": "podium", "MAIL_PASSWORD": "pw", "MAIL_DEFAULT_SENDER": "CFP <cfp@example.org>",
        "MAIL_TIMEOUT": "20", "MAIL_MAX_ATTEMPTS": "5", "MAIL_OUTBOX_VIEW": "no",
    })
    assert (settings["MAIL_PORT"], settings["MAIL_TIMEOUT"], settings["MAIL_MAX_ATTEMPTS"]) == (587, 20, 5)
    assert settings["MAIL_USE_TLS"] is True and settings["MAIL_USE_SSL"] is False
    assert settings["MAIL_OUTBOX_VIEW"] is False and settings["MAIL_BACKEND"] == "smtp"
    assert (settings["MAIL_SERVER"], settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"]) == (
        "smtp.example.org", "podium", "pw")


@pytest.mark.parametrize("environ, message", [
    ({"MAIL_PORT": "twenty-five"}, "MAIL_PORT must be a whole number"),
    ({"MAIL_BACKEND": "pigeon"}, "MAIL_BACKEND must be smtp or outbox"),
    ({"MAIL_USE_TLS": "1", "MAIL_USE_SSL": "1"}, "cannot both be on"),
])
def test_bad_mail_settings_are_refused(environ, message):
    with pytest.raises(ConfigError, match=message):
        load_config(environ=environ)
