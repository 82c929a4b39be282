"""Demo data: `flask --app app demo` loads an OpenStack-summit-like event."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from voting.demo.event import DEMO_SLUG
from voting.demo.services import load_demo
from voting.events.models import Event
from voting.extensions import db

COUNTED = ("users", "tracks", "rooms", "proposals", "votes", "reviews", "decisions")


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete the demo event and the @example.org users first.")
@click.option("--if-empty", is_flag=True, help="Load only into a database that has no event yet.")
@with_appcontext
def demo_command(reset, if_empty):
    """Load the demo event (idempotent)."""
    if if_empty and db.session.scalar(select(Event.id).limit(1)) is not None:
        click.echo("The database already has events: demo data not loaded.")
        return
    counts = load_demo(reset=reset)
    if counts["created"]:
        summary = ", ".join(f"{counts[name]} {name}" for name in COUNTED)
        click.echo(f"Loaded demo event {DEMO_SLUG}: {summary}.")
    else:
        click.echo(f"Demo event {DEMO_SLUG} already loaded: {counts['proposals']} proposals, "
                   f"{counts['votes']} votes (use --reset to load it afresh).")
