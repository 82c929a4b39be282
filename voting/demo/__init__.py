"""Demo data: `flask --app app demo` loads an OpenStack-summit-like event."""
import click
from flask.cli import with_appcontext


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo event (idempotent)."""
    click.echo("not yet")
