"""Finding, creating and linking users from what a sign-in provider says about them."""
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select

from voting.auth.models import Identity, User
from voting.db_types import utcnow
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


def normalise_email(email: str | None) -> str | None:
    """Emails compare case-insensitively; they are stored lower-case.

    Only ASCII is folded: Unicode case folding and spaces would turn a look-alike address (a Kelvin
    sign for K) into someone else's.
    """
    if not email:
        return None
    return "".join(ch.lower() if ch.isascii() else ch for ch in email.strip(" \t\r\n")) or None


def verified_email(user: User) -> str | None:
    """The user's email address if their provider verified it, else None: only a verified one names them."""
    return user.email if user.email_verified and user.email else None


def find_verified_user(email: str | None) -> User | None:
    """The user who proved they own this email (a provider verified it), or None.

    Only a verified email identifies a person: an address merely claimed matches nobody.
    """
    email = normalise_email(email)
    if not email:
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email, User.email_verified))


def _holder(email):
    """The user holding this address, verified or not."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email)) if email else None


def sign_in(*, profile: Profile) -> User:
    """The user behind `profile`: by identity, else by verified email, else a new user.

    A verified sign-in never joins an account that holds the address unverified: whoever claimed
    it first without proof may not be its owner.
    """
    identity = db.session.scalar(
        select(Identity).where(Identity.provider == profile.provider, Identity.subject == profile.subject)
    )
    if identity is not None:
        user = identity.user
    else:
        user = (find_verified_user(profile.email) if profile.email_verified else None) or _new_user(profile)
        identity = _add_identity(user, profile)
    _refresh(user, identity, profile)
    return user


def link_identity(*, user: User, profile: Profile) -> Identity:
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
    user = User(name=profile.name or normalise_email(profile.email) or "Podium user")
    db.session.add(user)
    return user


def _add_identity(user, profile):
    identity = Identity(user=user, provider=profile.provider, subject=profile.subject)
    db.session.add(identity)
    return identity


def _refresh(user, identity, profile):
    email = normalise_email(profile.email)
    identity.email = email
    identity.email_verified = profile.email_verified
    identity.last_login_at = utcnow()
    if user.email_verified and not _still_proved(user):
        user.email_verified = False  # no identity vouches for the address any more
    if email and profile.email_verified:
        _prove_email(user, email)
    elif email and user.email is None and _holder(email) is None:
        user.email, user.email_verified = email, False  # shown as unverified; it earns nothing
    if user.email_verified and user.email in configured_admins():
        user.is_admin = True
    db.session.flush()


def _still_proved(user):
    """Whether one of the user's identities still reports their address as verified."""
    return any(i.email == user.email and i.email_verified for i in user.identities)


def _prove_email(user, email):
    """A provider verified that `user` owns `email`: it becomes their verified address.

    Someone else holding it unverified loses it; someone holding it verified keeps it (each address
    identifies one person), and `user` keeps the address they had.
    """
    if user.email == email:
        user.email_verified = True
        return
    if user.email_verified:
        return  # already identified by another verified address
    holder = _holder(email)
    if holder is not None and holder.email_verified:
        return
    if holder is not None:
        holder.email, holder.email_verified = None, False
        db.session.flush()  # free the unique address before it is given
    user.email, user.email_verified = email, True


def configured_admins():
    """Emails named site admins in configuration (PODIUM_ADMINS)."""
    return {normalise_email(e) for e in current_app.config.get("PODIUM_ADMINS", "").split(",") if e.strip()}


def grant_admin(*, email, admin=True):
    """Make the user with this verified email a site admin (or not); None if nobody has proved it."""
    user = find_verified_user(email)
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
