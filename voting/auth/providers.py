"""Sign-in providers, configured rather than coded.

For each provider NAME: PODIUM_OAUTH_<NAME>_CLIENT_ID, _CLIENT_SECRET, for OpenID Connect
_DISCOVERY_URL, and optionally _LABEL, in the environment or the instance config file.
GitHub and Google are known by name; any other name is an OpenID Connect provider.
"""
import re
from dataclasses import dataclass, field

from authlib.integrations.flask_client import OAuth
from flask import current_app

from voting.config import ConfigError

KEY = re.compile(r"^PODIUM_OAUTH_([A-Z0-9]+)_CLIENT_ID$")
OIDC_SCOPE = "openid email profile"

PRESETS = {
    "github": {
        "label": "GitHub",
        "kind": "github",
        "options": {
            "authorize_url": "https://github.com/login/oauth/authorize",
            "access_token_url": "https://github.com/login/oauth/access_token",
            "api_base_url": "https://api.github.com/",
            "client_kwargs": {"scope": "read:user user:email", "code_challenge_method": "S256"},
        },
    },
    "google": {
        "label": "Google",
        "kind": "oidc",
        "discovery_url": "https://accounts.google.com/.well-known/openid-configuration",
    },
}


@dataclass(frozen=True)
class Provider:
    """One configured sign-in provider."""

    name: str
    label: str
    kind: str  # "oidc" or "github"
    client_id: str
    client_secret: str
    discovery_url: str | None = None
    options: dict = field(default_factory=dict)

    def registration(self):
        """Keyword arguments for authlib's OAuth.register."""
        options = {"client_id": self.client_id, "client_secret": self.client_secret, **self.options}
        if self.kind == "oidc":
            options["server_metadata_url"] = self.discovery_url
            options["client_kwargs"] = {"scope": OIDC_SCOPE, "code_challenge_method": "S256"}
        return options


def providers_from_settings(settings):
    """Every provider named in `settings` (a mapping of PODIUM_OAUTH_* keys), by name."""
    providers = {}
    for key in sorted(settings):
        match = KEY.match(key)
        if match:
            provider = _provider(match.group(1), settings)
            providers[provider.name] = provider
    return providers


def _provider(upper_name, settings):
    def setting(suffix):
        return (settings.get(f"PODIUM_OAUTH_{upper_name}_{suffix}") or "").strip() or None

    name = upper_name.lower()
    preset = PRESETS.get(name, {"label": upper_name.title(), "kind": "oidc"})
    secret = setting("CLIENT_SECRET")
    discovery = setting("DISCOVERY_URL") or preset.get("discovery_url")
    if not secret:
        raise ConfigError(f"PODIUM_OAUTH_{upper_name}_CLIENT_SECRET must be set")
    if preset["kind"] == "oidc" and not discovery:
        raise ConfigError(f"PODIUM_OAUTH_{upper_name}_DISCOVERY_URL must be set for an OpenID Connect provider")
    return Provider(name=name, label=setting("LABEL") or preset["label"], kind=preset["kind"],
                    client_id=setting("CLIENT_ID"), client_secret=secret, discovery_url=discovery,
                    options=preset.get("options", {}))


def register_providers(app):
    """Register every configured provider with an authlib registry of this app's own.

    authlib's OAuth registry caches clients by name, so one shared across apps (tests build many)
    would hand an app another app's provider settings.
    """
    settings = {key: value for key, value in app.config.items() if key.startswith("PODIUM_OAUTH_")}
    providers = providers_from_settings(settings)
    oauth = OAuth(app)
    for provider in providers.values():
        oauth.register(provider.name, **provider.registration())
    app.extensions["podium_providers"] = providers
    app.extensions["podium_oauth"] = oauth
    return providers


def oauth_client(name):
    """The authlib client of the current app's provider `name`."""
    return current_app.extensions["podium_oauth"].create_client(name)
