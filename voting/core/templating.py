"""Jinja filters and globals used across templates."""
from zoneinfo import ZoneInfo

from voting.enums import WindowState


def local_time(value, tz_name="UTC", fmt="%a %d %b %Y, %H:%M %Z"):
    """Show an aware UTC datetime in the named time zone."""
    if value is None:
        return "—"
    return value.astimezone(ZoneInfo(tz_name)).strftime(fmt)


def register_template_helpers(app):
    """Make the helpers available to every template."""
    app.add_template_filter(local_time)
    app.add_template_global(WindowState)
