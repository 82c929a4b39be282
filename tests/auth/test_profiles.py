"""What an OpenID Connect provider's answer says about the person: the address and its proof together."""
from types import SimpleNamespace

import pytest

from voting.auth.profiles import _oidc_profile

PROVIDER = SimpleNamespace(name="idp")


class Client:
    def __init__(self, info):
        self.info = info

    def userinfo(self, token):
        return self.info


@pytest.mark.parametrize("id_token, userinfo, expected", [
    ({"sub": "1", "email": "me@mine.test", "email_verified": True}, {"sub": "1", "email": "kim@example.org"},
     ("kim@example.org", False)),
    ({"sub": "1", "email": "me@mine.test", "email_verified": True}, {"sub": "1"}, ("me@mine.test", True)),
    ({"sub": "1"}, {"sub": "1", "email": "kim@example.org", "email_verified": "true"}, ("kim@example.org", True)),
    ({"sub": "1"}, {"sub": "1", "email": "kim@example.org", "email_verified": "false"},
     ("kim@example.org", False)),
])
def test_the_address_and_its_verification_come_from_one_claim_set(id_token, userinfo, expected):
    profile = _oidc_profile(PROVIDER, Client(userinfo), {"userinfo": id_token})
    assert (profile.email, profile.email_verified) == expected
