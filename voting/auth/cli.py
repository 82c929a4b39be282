"""`flask --app app users ...`: manage site admins from the command line."""
import click
from flask.cli import AppGroup

from voting.auth.services import grant_admin
from voting.extensions import db

users_cli = AppGroup("users", help="Manage Podium users.")


@users_cli.command("grant-admin")
@click.argument("email")
def grant_admin_command(email):
    """Make the user with EMAIL a site admin."""
    _set_admin(email, True)


@users_cli.command("revoke-admin")
@click.argument("email")
def revoke_admin_command(email):
    """Take site admin rights away from the user with EMAIL."""
    _set_admin(email, False)


def _set_admin(email, admin):
    user = grant_admin(email=email, admin=admin)
    if user is None:
        raise click.ClickException(f"no user has the email {email}; they must sign in once with a provider "
                                   "that verifies it")
    db.session.commit()
    click.echo(f"{user.email} is {'now' if admin else 'no longer'} a site admin")
