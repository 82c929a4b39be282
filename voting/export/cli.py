"""`flask --app app export --event SLUG --format FORMAT [-o FILE]`: one export, to a file or stdout."""
import sys
from contextlib import nullcontext

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from voting.events.models import Event
from voting.export.data import Audience, load
from voting.export.formats import BY_OPTION
from voting.extensions import db
from voting.permissions import can_see_results


@click.command("export")
@click.option("--event", "event_slug", required=True, help="The event's slug.")
@click.option("--format", "option", required=True, type=click.Choice(list(BY_OPTION)), help="What to write.")
@click.option("-o", "--output", default="-", type=click.Path(dir_okay=False, allow_dash=True),
              help="The file to write (standard output when not given).")
@click.option("--public", is_flag=True, help="Only what the public sees: published decisions, results.")
@with_appcontext
def export_command(event_slug, option, output, public):
    """Write an event's accepted talks or schedule; the progress bar goes to standard error."""
    event = db.session.scalar(select(Event).where(Event.slug == event_slug))
    if event is None:
        raise click.ClickException(f"No event is called {event_slug!r}.")
    if public and event.schedule_published_at is None:
        raise click.ClickException(f"The schedule of {event.name} is not published yet.")
    audience = Audience(public=public, results=not public or can_see_results(None, event))
    fmt = BY_OPTION[option]
    # Links are absolute, from PODIUM_BASE_URL: one request context for the whole export.
    with current_app.test_request_context(base_url=current_app.config["PODIUM_BASE_URL"]):
        data = load(event=event, audience=audience)
        with _output(output) as stream, click.progressbar(
                length=fmt.size(data), label=f"{event.slug} {fmt.name}", file=sys.stderr,
                hidden=fmt.size(data) < PROGRESS_FROM) as bar:
            for chunk in fmt.render(data, _ticking(bar)):
                stream.write(chunk)
    if output != "-":
        click.echo(f"Wrote {fmt.name} of {event.slug} (version {event.schedule_version}) to {output}.",
                   err=True)


PROGRESS_FROM = 50  # items: smaller exports finish before a bar would mean anything


def _output(path):
    """Standard output for '-', else the file (UTF-8, line endings as the format writes them)."""
    if path == "-":
        return nullcontext(sys.stdout)
    return open(path, "w", encoding="utf-8", newline="")


def _ticking(bar):
    """A wrapper of the items an exporter writes that moves the bar one step per item."""
    def progress(items):
        for item in items:
            yield item
            bar.update(1)
    return progress
