"""A real SMTP server (aiosmtpd) on 127.0.0.1 for tests that read the mail Podium sends.

Import the fixtures into a conftest: smtp_port, smtp_server, smtp_server_down, and app_config
(which points the app at the server).
"""
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword



def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


VALID_LOGIN = (b"podium", b"s3cret")


class Inbox:
    """An aiosmtpd handler: keeps every message that arrives, refuses the addresses in `refused`."""

    def __init__(self):
        self.messages = []
        self.logins = []
        self.refused = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.logins.append(session.auth_data.login.decode() if session.authenticated else None)
        return "250 Message accepted for delivery"


def check_password(server, session, envelope, mechanism, auth_data):
    """aiosmtpd authenticator: podium / s3cret and nobody else."""
    if isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == VALID_LOGIN:
        return AuthResult(success=True, auth_data=auth_data)
    return AuthResult(success=False, handled=False, message="535 5.7.8 Authentication credentials invalid")


class SMTPServer:
    """An aiosmtpd Controller on a fixed port that can be started late (the server 'comes back')."""

    def __init__(self, port):
        self.port = port
        self.inbox = Inbox()
        self.controller = None

    @property
    def messages(self):
        return self.inbox.messages

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, auth_require_tls=False,
                                     authenticator=check_password)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_port():
    """The port the app sends to."""
    return free_port()


@pytest.fixture
def smtp_server(smtp_port):
    """A running SMTP server on the app's port."""
    server = SMTPServer(smtp_port).start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server_down(smtp_port):
    """Nothing listens on the app's port until the test calls .start()."""
    server = SMTPServer(smtp_port)
    yield server
    server.stop()


@pytest.fixture
def app_config(smtp_port):
    """Send through the test SMTP server."""
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port, "MAIL_TIMEOUT": 5}
