"""nginx for the benches: the production location that hands out the gallery's copies by signed
links (deploy/nginx/kvo.conf, taken from that file as it is), in a server of the bench's own on
loopback. Plain HTTP: TLS is the same work for every figure and not what is compared."""

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

from _common import ROOT

CONF = ROOT / "deploy" / "nginx" / "kvo.conf"


def nginx_binary() -> str:
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if not binary:
        raise SystemExit("FAIL: nginx is not installed (apt-get install nginx)")
    return binary


def signed_location(private_dir: Path) -> str:
    """kvo.conf's `location /signed/gallery/ { ... }`, reading from ``private_dir``."""
    text = CONF.read_text()
    match = re.search(r"\n    location /signed/gallery/ \{\n.*?\n    \}\n", text, re.S)
    if not match or "/srv/kvo/private/" not in match.group(0):
        raise SystemExit(f"FAIL: no /signed/gallery/ location in {CONF}")
    return match.group(0).replace("/srv/kvo/private/", f"{private_dir}/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Nginx:
    """nginx with ``server_body`` inside one server on a free loopback port, and the secret of
    the signed links; ``workers`` worker processes."""

    def __init__(self, work: Path, server_body: str, secret: str, *, workers=1, upstream=""):
        self.dir = work / "nginx"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        user = "user root;" if os.geteuid() == 0 else ""
        temp = "\n".join(
            f"    {kind}_temp_path {self.dir / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (self.dir / "nginx.conf").write_text(
            f"""{user}
worker_processes {workers};
pid {self.dir / "nginx.pid"};
error_log {self.dir / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
{temp}
    map $host $kvo_signed_link_secret {{
        default "{secret}";
    }}
    {upstream}
    server {{
        listen 127.0.0.1:{self.port};
        server_tokens off;
{server_body}
    }}
}}
"""
        )
        self.process = subprocess.Popen(  # noqa: S603
            [nginx_binary(), "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"),
             "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"FAIL: nginx stopped: {(self.dir / 'error.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("FAIL: nginx did not start") from None
                time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
