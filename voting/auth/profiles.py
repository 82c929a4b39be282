"""Reading who signed in from a provider's token: OpenID Connect userinfo or GitHub's API."""
from voting.auth.services import Profile


class SignInError(Exception):
    """The provider's answer cannot be used to sign anyone in."""


def fetch_profile(provider, client, token):
    """The Profile behind an access token, asked of the provider."""
    if provider.kind == "github":
        return _github_profile(provider, client, token)
    return _oidc_profile(provider, client, token)


def _oidc_profile(provider, client, token):
    claims = token.get("userinfo")  # the ID token's claims, already verified by authlib
    if not claims or not claims.get("sub"):
        raise SignInError("The provider did not send a valid ID token.")
    # By the spec the code flow's ID token may carry only `sub`; email and name come from userinfo.
    info = client.userinfo(token=token)
    if info.get("sub") != claims["sub"]:
        raise SignInError("The provider's user information does not match its ID token.")
    merged = {**claims, **info}
    # The address and its verification come from one claim set, never one from each.
    source = info if info.get("email") else claims
    return Profile(
        provider=provider.name,
        subject=str(claims["sub"]),
        email=source.get("email"),
        email_verified=source.get("email_verified") in (True, "true"),
        name=merged.get("name") or merged.get("preferred_username") or "",
    )


def _github_profile(provider, client, token):
    user = client.get("user", token=token)
    emails = client.get("user/emails", token=token)
    if not user.ok or not emails.ok:
        raise SignInError("GitHub did not answer with your account's details.")
    account = user.json()
    primary = next((e for e in emails.json() if e.get("primary")), {})
    return Profile(
        provider=provider.name,
        subject=str(account["id"]),
        email=primary.get("email"),
        email_verified=bool(primary.get("verified")),
        name=account.get("name") or account.get("login") or "",
    )
