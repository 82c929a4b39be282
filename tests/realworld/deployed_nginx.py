"""deploy/nginx.conf run for real: its addresses, ports and certificate swapped for local ones.

Example::

    with DeployedNginx([site1.base, site2.base]) as proxy:
        requests.get(proxy.base + "/healthz", verify=proxy.certificate)  # https://127.0.0.1:<port>
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import requests

from tests.support.live import NGINX, ROOT, Nginx, nginx_config
from tests.support.oidc_provider import free_port

EXAMPLE = ROOT / "deploy" / "nginx.conf"
UPSTREAM_SERVER = re.compile(r"^(\s*server )\S+:\d+", re.M)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with openssl."""
    certificate, key = directory / "podium.crt", directory / "podium.key"
    command = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
               "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
               "-keyout", str(key), "-out", str(certificate)]
    subprocess.run(command, check=True, capture_output=True, timeout=30)
    return certificate, key


class DeployedNginx(Nginx):
    """nginx with deploy/nginx.conf: HTTPS on `base`, the redirecting plain HTTP on `http_base`."""

    name = "nginx-deploy"

    def __init__(self, upstreams: list[str]):
        super().__init__(upstreams)
        self.http_port = free_port()
        self.base = f"https://127.0.0.1:{self.port}"
        self.http_base = f"http://127.0.0.1:{self.http_port}"

    def site_config(self, certificate: Path, key: Path) -> str:
        """The example with local instances, ports on 127.0.0.1 and the given certificate."""
        text = EXAMPLE.read_text()
        servers = iter(url.split("://", 1)[1] for url in self.upstreams)
        assert len(UPSTREAM_SERVER.findall(text)) == len(self.upstreams), "one upstream line per instance"
        text = UPSTREAM_SERVER.sub(lambda match: match.group(1) + next(servers), text)
        text = re.sub(r"^\s*listen \[::\].*\n", "", text, flags=re.M)
        text = text.replace("listen 80;", f"listen 127.0.0.1:{self.http_port};")
        text = text.replace("listen 443 ", f"listen 127.0.0.1:{self.port} ")
        text = re.sub(r"ssl_certificate \S+;", f"ssl_certificate {certificate};", text)
        return re.sub(r"ssl_certificate_key \S+;", f"ssl_certificate_key {key};", text)

    def __enter__(self) -> "DeployedNginx":
        self.directory = tempfile.mkdtemp(prefix="nginx-deploy-")
        folder = Path(self.directory)
        try:
            self.certificate, key = self_signed_certificate(folder)
            (folder / "podium.conf").write_text(self.site_config(self.certificate, key))
            include = f"    include {self.directory}/podium.conf;"
            (folder / "nginx.conf").write_text(nginx_config(self.directory, include))
            self._spawn([NGINX, "-p", self.directory, "-c", str(folder / "nginx.conf"), "-g", "daemon off;"])
        except BaseException:
            shutil.rmtree(self.directory, ignore_errors=True)
            raise
        self._wait_ready(lambda: requests.get(self.base + "/healthz", timeout=2,
                                              verify=str(self.certificate)).status_code == 200, 15)
        return self
