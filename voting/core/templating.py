"""Jinja filters and globals used across templates."""
from zoneinfo import ZoneInfo

from flask_wtf.csrf import generate_csrf

from voting import permissions
from voting.core.markdown import render_markdown
from voting.enums import WindowState


def local_time(value, tz_name="UTC", fmt="%a %d %b %Y, %H:%M %Z"):
    """Show an aware UTC datetime in the named time zone."""
    if value is None:
        return "—"
    return value.astimezone(ZoneInfo(tz_name)).strftime(fmt)


def register_template_helpers(app):
    """Make the helpers available to every template."""
    app.add_template_filter(local_time)
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_global(WindowState)
    app.add_template_global(generate_csrf, "csrf_token")
    for name in ("is_admin", "can_create_event", "can_manage_event", "can_chair", "is_chair_in_event",
                 "is_speaker", "speaks_on_proposal", "is_submitter", "can_view_proposal", "can_view_schedule",
                 "can_decide", "can_see_results"):
        app.add_template_global(getattr(permissions, name), name)
