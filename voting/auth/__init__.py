"""Users, identities and sign-in."""
from voting.auth.models import User
from voting.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id):
    """Flask-Login's loader: the user behind a session."""
    return db.session.get(User, int(user_id))
