"""The authorization-code flow with state, nonce and PKCE, through authlib."""
from authlib.common.errors import AuthlibBaseError
from flask import session, url_for
from flask_login import current_user
from joserfc.errors import JoseError
from requests import RequestException

from voting.auth.profiles import SignInError, fetch_profile
from voting.auth.providers import oauth_client
from voting.auth.services import IdentityTaken, link_identity, sign_in

# Everything a provider (or someone posing as one) can make go wrong in the callback.
SIGN_IN_ERRORS = (AuthlibBaseError, JoseError, RequestException, SignInError, IdentityTaken, ValueError, KeyError)


def start_sign_in(provider):
    """Redirect to the provider; authlib keeps state, nonce and the PKCE verifier in the session."""
    client = oauth_client(provider.name)
    redirect_uri = url_for("auth.callback", name=provider.name, _external=True)
    return client.authorize_redirect(redirect_uri)


def finish_sign_in(provider):
    """Check the callback, exchange the code, and return (user, linked?)."""
    client = oauth_client(provider.name)
    # checks state, the ID token's signature, iss, aud, exp, nonce
    token = client.authorize_access_token(**_id_token_checks(provider, client))
    profile = fetch_profile(provider, client, token)
    link_to = session.pop("podium_link", None)
    if link_to is not None and current_user.is_authenticated and current_user.id == link_to:
        link_identity(user=current_user, profile=profile)
        return current_user, True
    return sign_in(profile=profile), False


def _id_token_checks(provider, client):
    """The ID token must name this client in `aud` and come from the issuer (authlib checks only iss)."""
    if provider.kind != "oidc":
        return {}
    options = {"aud": {"essential": True, "values": [client.client_id]}}
    issuer = client.load_server_metadata().get("issuer")
    if issuer:
        options["iss"] = {"essential": True, "values": [issuer]}
    return {"claims_options": options}
