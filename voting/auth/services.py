"""Finding, creating and linking users from what a sign-in provider says about them."""
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select

from voting.auth.models import Identity, User
from voting.db_types import utcnow
from voting.events.services import grant_pending_roles
from voting.extensions import db


@dataclass(frozen=True)
class Profile:
    """What a provider told us about the person signing in."""

    provider: str
    subject: str
    email: str | None
    email_verified: bool
    name: str


class IdentityTaken(Exception):
    """The identity already belongs to another user."""


def normalise_email(email):
    """Emails compare case-insensitively; they are stored lower-case."""
    return email.strip().lower() if email else None


def find_user_by_email(email):
    """The user with this email, or None."""
    email = normalise_email(email)
    return db.session.scalar(select(User).where(func.lower(User.email) == email)) if email else None


def sign_in(*, profile):
    """The user behind `profile`: by identity, else by verified email, else a new user."""
    identity = db.session.scalar(
        select(Identity).where(Identity.provider == profile.provider, Identity.subject == profile.subject)
    )
    if identity is not None:
        user = identity.user
    else:
        user = (find_user_by_email(profile.email) if profile.email_verified else None) or _new_user(profile)
        identity = _add_identity(user, profile)
    _refresh(user, identity, profile)
    return user


def link_identity(*, user, profile):
    """Attach a further provider's identity to a signed-in user."""
    identity = db.session.scalar(
        select(Identity).where(Identity.provider == profile.provider, Identity.subject == profile.subject)
    )
    if identity is not None and identity.user_id != user.id:
        raise IdentityTaken(f"That {profile.provider} account already belongs to another Podium user.")
    identity = identity or _add_identity(user, profile)
    _refresh(user, identity, profile)
    return identity


def _new_user(profile):
    email = normalise_email(profile.email)
    if email and find_user_by_email(email) is not None:
        email = None  # an unverified address someone else owns: never take it over
    user = User(name=profile.name or email or "Podium user", email=email)
    db.session.add(user)
    return user


def _add_identity(user, profile):
    identity = Identity(user=user, provider=profile.provider, subject=profile.subject)
    db.session.add(identity)
    return identity


def _refresh(user, identity, profile):
    identity.email = normalise_email(profile.email)
    identity.email_verified = profile.email_verified
    identity.last_login_at = utcnow()
    if profile.email_verified and normalise_email(profile.email) == user.email:
        user.email_verified = True
    if user.email_verified and user.email in configured_admins():
        user.is_admin = True
    db.session.flush()
    if user.email_verified:
        grant_pending_roles(user=user)


def configured_admins():
    """Emails named site admins in configuration (PODIUM_ADMINS)."""
    return {normalise_email(e) for e in current_app.config.get("PODIUM_ADMINS", "").split(",") if e.strip()}


def grant_admin(*, email, admin=True):
    """Make the user with this email a site admin (or not); None if there is no such user."""
    user = find_user_by_email(email)
    if user is not None:
        user.is_admin = admin
        db.session.flush()
    return user


def safe_next_path(target):
    """`target` if it is a path on this site, else None: no open redirects."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in target):
        return None
    return target
