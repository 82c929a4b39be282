"""Run the Node OpenID Connect test provider (tests/support/oidc) from pytest.

Example::

    with OIDCProvider(redirect_uris=["http://127.0.0.1:5000/auth/callback"]) as idp:
        resp = idp.login(requests.Session(), authorize_url, username="alice")
        callback_url = resp.headers["Location"]  # ...?code=...&state=...
"""

from __future__ import annotations

import os
import queue
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests

OIDC_DIR = Path(__file__).resolve().parent / "oidc"


def require_node_modules() -> None:
    """Skip the test, saying why, when Node or the provider's npm dependencies are missing; fail instead
    when the run must cover everything (PODIUM_REQUIRE_BROWSER=1 or CI set, as in `.ci/run`)."""
    import pytest

    if not shutil.which("node"):
        reason = "node is not installed"
    elif not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        reason = ("its npm dependencies are not installed: run `npm ci` in tests/support/oidc "
                  "(`make test` does)")
    else:
        return
    reason = f"the OpenID Connect test provider cannot run: {reason}"
    if os.environ.get("PODIUM_REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _FormParser(HTMLParser):
    """Collect the forms of a page: action, method and named input values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "inputs": {},
            })
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["inputs"][attrs["name"]] = attrs.get("value") or ""


class OIDCProvider:
    """A running oidc-provider instance with one static confidential client.

    Login names: any name signs in (email ``<name>@example.test`` unless the
    name contains '@'; Podium's forms refuse the reserved .test domain, so
    journeys that fill forms sign in as ``<name>@example.org``; names starting with "unverified" get
    email_verified=false; "unverified:<email>" claims <email> unverified, "unclaimed:<email>" claims it with
    no email_verified claim); "error" / "error:<code>" make the provider
    redirect back to the client with that error instead.
    """

    def __init__(
        self,
        port: int | None = None,
        redirect_uris: list[str] | tuple[str, ...] = ("http://127.0.0.1:5000/auth/callback",),
        client_id: str = "podium-test",
        client_secret: str = "podium-test-secret",
        startup_timeout: float = 20.0,
    ) -> None:
        self.port = port or free_port()
        self.redirect_uris = list(redirect_uris)
        self.client_id = client_id
        self.client_secret = client_secret
        self.startup_timeout = startup_timeout
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.discovery_url = self.issuer + "/.well-known/openid-configuration"
        self._proc: subprocess.Popen | None = None
        self._stderr = None
        self._drain: threading.Thread | None = None

    # -- process lifecycle -------------------------------------------------

    def start(self) -> "OIDCProvider":
        """Start the provider and wait for its READY line."""
        require_node_modules()
        env = dict(
            os.environ,
            PORT=str(self.port),
            CLIENT_ID=self.client_id,
            CLIENT_SECRET=self.client_secret,
            REDIRECT_URIS=",".join(self.redirect_uris),
        )
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._proc = subprocess.Popen(
            [shutil.which("node") or "node", "provider.mjs", str(self.port)],
            cwd=OIDC_DIR, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=self._stderr, text=True,
        )
        lines: queue.Queue = queue.Queue()

        def drain(stream):  # keep reading so the pipe never fills up
            for line in stream:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        self._drain = threading.Thread(target=drain, args=(self._proc.stdout,), daemon=True)
        self._drain.start()
        deadline = time.monotonic() + self.startup_timeout
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self._fail(f"not ready within {self.startup_timeout:g}s")
            if line == f"READY {self.issuer}":
                return self
            if line is None:  # stdout closed: the process is ending
                try:
                    code = self._proc.wait(5)
                except subprocess.TimeoutExpired:
                    code = "?"
                self._fail(f"exited with code {code}")

    def _fail(self, reason: str):
        self._stderr.seek(0)
        stderr = self._stderr.read().strip()
        self.stop()
        raise RuntimeError(f"OIDC test provider {reason}; stderr:\n{stderr}")

    def stop(self) -> None:
        """Terminate the provider process (idempotent)."""
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        # Close the pipe (once drained to EOF) and the stderr file: unclosed ones are ResourceWarnings.
        if self._drain:
            self._drain.join(5)
        if self._proc and self._proc.stdout:
            self._proc.stdout.close()
        if self._stderr:
            self._stderr.close()

    def __enter__(self) -> "OIDCProvider":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- browser simulation ------------------------------------------------

    def login(
        self,
        session: requests.Session,
        authorize_url: str,
        username: str = "alice",
        password: str = "secret",
        max_steps: int = 10,
    ) -> requests.Response:
        """Drive the provider's login/consent pages like a browser would.

        Follows redirects only while they stay on the provider and submits
        the login form (and the consent form if one is shown). Returns the
        first response that redirects away from the provider, i.e. to the
        client's redirect_uri with ``code``/``state`` (or ``error``), without
        following it; an error page of the provider is returned as is.
        """
        resp = session.get(authorize_url, allow_redirects=False)
        for _ in range(max_steps):
            if resp.is_redirect:
                location = urljoin(resp.url, resp.headers["Location"])
                if not location.startswith(self.issuer + "/"):
                    return resp
                resp = session.get(location, allow_redirects=False)
                continue
            if resp.status_code >= 400:
                return resp
            parser = _FormParser()
            parser.feed(resp.text)
            forms = [f for f in parser.forms if f["method"] == "post"]
            if not forms:
                raise RuntimeError(f"no form on provider page {resp.url}:\n{resp.text[:2000]}")
            data = dict(forms[0]["inputs"])
            if data.get("prompt") == "login":
                data.update(login=username, password=password)
            resp = session.post(
                urljoin(resp.url, forms[0]["action"]), data=data, allow_redirects=False
            )
        raise RuntimeError(f"login did not finish within {max_steps} steps")
