"""Signing a test client in without a provider: a session row opened in the database, as at sign-in."""
from voting.auth.models import User
from voting.auth.sessions import cookie_values, open_session
from voting.extensions import db


def sign_in_client(app, client, user_id):
    """Open a session of user `user_id` in `app`'s database and put it in `client`'s cookie."""
    with app.app_context():
        user = db.session.get(User, user_id)
        values = cookie_values(user, open_session(user))
        db.session.commit()
    with client.session_transaction() as session:
        session.update(values)
    return client
