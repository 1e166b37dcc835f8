"""deploy/nginx/kvo.conf in a real nginx, in front of the live test server.

The production file is used as it is, with only what differs on a test machine replaced: the
upstream (the live server instead of the compose service `web`), the ports (free loopback ports),
the directories (temporary ones) and a self-signed certificate. Every replaced string must occur in
the file, so a change there fails this test instead of quietly testing something else.

Outside CI the test skips when nginx is not installed (`apt-get install nginx`); in CI that fails.
"""

import gzip
import html
import http.client
import io
import json
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.signals import request_started
from django.urls import reverse
from PIL import Image

from tests.conftest import ROOT, skip_or_fail
from tests.ports import free_ports

CONF = ROOT / "deploy" / "nginx" / "kvo.conf"
PRIVATE_PREFIX = "/_private"
# Headers Django sets on every response that the browser must also get on a private file.
SECURITY_HEADERS = [
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Content-Security-Policy",
    "Permissions-Policy",
]

pytestmark = pytest.mark.django_db(transaction=True)


def _nginx_binary():
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def _nginx_version(binary):
    output = subprocess.run([binary, "-v"], capture_output=True, text=True, check=True).stderr
    return tuple(int(part) for part in re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", output).groups())


def _replace(text, old, new):
    assert old in text, f"{old!r} is no longer in {CONF.name}: update tests/kvo/test_nginx.py"
    return text.replace(old, new)


@dataclass
class Nginx:
    https_port: int
    http_port: int
    context: ssl.SSLContext
    static: Path
    acme: Path
    access_log: Path

    def request(self, method, path, *, headers=None, body=None, secure=True):
        if secure:
            conn = http.client.HTTPSConnection(
                "127.0.0.1", self.https_port, context=self.context, timeout=60
            )
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def log_lines(self, count):
        """The access log once it has `count` lines: nginx writes a line after the response."""
        deadline = time.monotonic() + 5
        while True:
            lines = self.access_log.read_text().splitlines()
            if len(lines) >= count or time.monotonic() > deadline:
                return [json.loads(line) for line in lines]
            time.sleep(0.02)


@pytest.fixture
def nginx(live_server, settings, tmp_path):
    binary = _nginx_binary()
    if not binary:
        skip_or_fail("nginx is not installed (apt-get install nginx)")
    settings.PRIVATE_FILES_ACCEL_PREFIX = PRIVATE_PREFIX
    private = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    private.mkdir(parents=True, exist_ok=True)
    base = tmp_path / "nginx"
    static, acme, certs, temp = (base / name for name in ("static", "acme", "certs", "temp"))
    for directory in (static, acme, certs, temp):
        directory.mkdir(parents=True)

    subprocess.run(
        [
            "openssl", "req", "-x509", "-nodes", "-days", "1",
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-keyout", str(certs / "privkey.pem"), "-out", str(certs / "fullchain.pem"),
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip

    upstream = urlsplit(live_server.url)
    https_port, http_port = free_ports(2)
    conf = CONF.read_text()
    replacements = {
        "server web:8000 resolve;": f"server 127.0.0.1:{upstream.port};",
        "listen 80 default_server;": f"listen 127.0.0.1:{http_port} default_server;",
        "listen 443 ssl default_server;": f"listen 127.0.0.1:{https_port} ssl default_server;",
        "/etc/nginx/certs/": f"{certs}/",
        "/var/www/acme": str(acme),
        "/srv/kvo/static/": f"{static}/",
        "/srv/kvo/private/": f"{private}/",
        "/var/log/nginx/access.log": str(base / "access.log"),
    }
    for old, new in replacements.items():
        conf = _replace(conf, old, new)
    if _nginx_version(binary) < (1, 25, 1):
        # Debian 12's nginx 1.22 predates the `http2` directive; HTTP/2 is not what is tested.
        conf = _replace(conf, "    http2 on;\n", "")
    (base / "kvo.conf").write_text(conf)
    # What the nginx image does with the template at start (envsubst of SIGNED_LINK_SECRET).
    template = (ROOT / "deploy" / "nginx" / "signed-links.conf.template").read_text()
    (base / "signed-links.conf").write_text(
        _replace(template, "${SIGNED_LINK_SECRET}", settings.SIGNED_LINK_SECRET)
    )

    # The production image's workers read the files as members of the app's group
    # (deploy/nginx/Dockerfile); here, as the user that wrote them.
    user = f"user {pwd.getpwuid(os.getuid()).pw_name};" if os.geteuid() == 0 else ""
    temp_paths = "\n".join(
        f"    {kind}_temp_path {temp / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (base / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {base / "nginx.pid"};
error_log {base / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
{temp_paths}
    include {base / "signed-links.conf"};
    include {base / "kvo.conf"};
}}
"""
    )
    error_log = base / "error.log"
    process = subprocess.Popen(
        [binary, "-p", str(base), "-c", str(base / "nginx.conf"), "-e", str(error_log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    context = ssl.create_default_context(cafile=str(certs / "fullchain.pem"))
    server = Nginx(https_port, http_port, context, static, acme, base / "access.log")
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"nginx stopped:\n{error_log.read_text() if error_log.exists() else ''}"
                )
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"nginx did not start:\n{error_log.read_text()}")
                time.sleep(0.05)
        # A deprecated or conflicting directive shows as a warning at start-up.
        assert error_log.read_text() == "", error_log.read_text()
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def django_requests():
    """The WSGI environ of every request that reached Django."""
    seen = []

    def record(sender, environ=None, **kwargs):
        seen.append(environ)

    request_started.connect(record, dispatch_uid="test_nginx")
    yield seen
    request_started.disconnect(dispatch_uid="test_nginx")


def _session_cookie(client, user):
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def test_static_files_are_served_by_nginx(nginx, django_requests):
    hashed = nginx.static / "css" / "kvo.0123456789ab.css"
    hashed.parent.mkdir()
    hashed.write_bytes(b"body { color: #1a1a1a; }\n" * 40)
    hashed.with_name(hashed.name + ".gz").write_bytes(gzip.compress(hashed.read_bytes()))
    (nginx.static / "css" / "kvo.css").write_bytes(b"body {}\n")

    status, headers, body = nginx.request("GET", "/static/css/kvo.0123456789ab.css")
    assert status == 200
    assert body == hashed.read_bytes()
    assert headers["Content-Type"] == "text/css"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Server"] == "nginx"  # server_tokens off: no version number

    _, headers, body = nginx.request(
        "GET", "/static/css/kvo.0123456789ab.css", headers={"Accept-Encoding": "gzip"}
    )
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == hashed.read_bytes()

    # An unhashed name may change with the next release: kept for an hour only.
    status, headers, _ = nginx.request("GET", "/static/css/kvo.css")
    assert (status, headers["Cache-Control"]) == (200, "public, max-age=3600")

    assert nginx.request("GET", "/static/css/missing.css")[0] == 404
    assert django_requests == []


def test_private_file_is_streamed_by_nginx_after_djangos_check(
    nginx, world, client, live_server, django_requests
):
    photo = world.photo
    with default_storage.open(photo.original.name, "rb") as handle:
        stored = handle.read()
    url = reverse("incidents:photo", args=[world.incident.pk, photo.pk])
    cookie = _session_cookie(client, world.users["participant"])

    # Django itself answers with an empty body and the internal address...
    upstream = urlsplit(live_server.url)
    conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
    conn.request("GET", url, headers={"Cookie": cookie})
    direct = conn.getresponse()
    assert direct.status == 200
    assert direct.read() == b""
    assert direct.headers["X-Accel-Redirect"] == f"{PRIVATE_PREFIX}/{photo.original.name}"
    conn.close()
    django_requests.clear()

    # ...and through nginx the browser gets the file, with Django's headers.
    status, headers, body = nginx.request(
        "GET", url, headers={"Cookie": cookie, "X-Forwarded-For": "203.0.113.9"}
    )
    assert status == 200
    assert body == stored
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Content-Disposition"] == direct.headers["Content-Disposition"]
    assert headers["Content-Disposition"].startswith("inline; filename=")
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "X-Accel-Redirect" not in headers
    # nginx drops most upstream headers on an X-Accel-Redirect; kvo.conf copies these back.
    for name in SECURITY_HEADERS:
        assert direct.headers[name], name
        assert headers[name] == direct.headers[name], name

    # What nginx told Django about the request.
    (environ,) = django_requests
    assert environ["HTTP_HOST"] == "127.0.0.1"
    assert environ["HTTP_X_FORWARDED_PROTO"] == "https"
    # A client's own X-Forwarded-For stays in front; the app trusts only the last entry.
    assert environ["HTTP_X_FORWARDED_FOR"] == "203.0.113.9, 127.0.0.1"
    # nginx's request id reaches Django's log lines and comes back to the browser.
    assert re.fullmatch(r"[0-9a-f]{32}", environ["HTTP_X_REQUEST_ID"])
    assert headers["X-Request-ID"] == environ["HTTP_X_REQUEST_ID"]

    # Without a session the same address sends the browser to the login page.
    status, headers, body = nginx.request("GET", url)
    assert status == 302
    assert headers["Location"].startswith(reverse("account_login"))
    assert stored not in body

    # The internal location cannot be asked for directly, not even with a session.
    for name in (photo.original.name, photo.thumbnail.name):
        status, _, body = nginx.request(
            "GET", f"{PRIVATE_PREFIX}/{name}", headers={"Cookie": cookie}
        )
        assert status == 404
        assert stored not in body


def test_plain_http_redirects_to_https_except_acme_challenges(nginx):
    status, headers, _ = nginx.request("GET", "/incidents/report/?shop=3", secure=False)
    assert status == 301
    assert headers["Location"] == "https://127.0.0.1/incidents/report/?shop=3"

    challenge = nginx.acme / ".well-known" / "acme-challenge" / "Xk9-token_1"
    challenge.parent.mkdir(parents=True)
    challenge.write_text("Xk9-token_1.thumbprint")
    status, headers, body = nginx.request(
        "GET", "/.well-known/acme-challenge/Xk9-token_1", secure=False
    )
    assert (status, body) == (200, b"Xk9-token_1.thumbprint")
    assert headers["Content-Type"] == "text/plain"


def test_an_oversized_photo_gets_the_apps_own_message(nginx, world, client):
    """50 MB is over the photo limit (15 MB) but under nginx's: Django says what is wrong."""
    cookie = _session_cookie(client, world.users["participant"])
    status, headers, page = nginx.request(
        "GET", reverse("incidents:report"), headers={"Cookie": cookie}
    )
    assert status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)

    boundary = "kvo-test-boundary-4f1d"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{token}\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="photos"; filename="camera.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    megabyte = b"\xff" * (1024 * 1024)
    size = len(head) + 50 * len(megabyte) + len(tail)

    def body():
        yield head
        for _ in range(50):
            yield megabyte
        yield tail

    status, _, page = nginx.request(
        "POST",
        reverse("incidents:report"),
        headers={
            "Cookie": f"{cookie}; csrftoken={csrf_cookie}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(size),
        },
        body=body(),
    )
    assert status == 200
    assert "Deze foto is groter dan 15 MB." in page.decode()


def test_a_request_over_the_limit_gets_a_page_in_both_languages(nginx):
    conn = http.client.HTTPSConnection(
        "127.0.0.1", nginx.https_port, context=nginx.context, timeout=30
    )
    conn.putrequest("POST", reverse("incidents:report"))
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str(101 * 1024 * 1024))
    conn.endheaders()
    response = conn.getresponse()
    page = response.read().decode()
    conn.close()
    assert response.status == 413
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Te groot om te versturen" in page
    assert "Too large to send" in page


def test_the_access_log_has_no_query_strings(nginx, world, client):
    cookie = _session_cookie(client, world.users["participant"])
    nginx.request("GET", "/register/gallery/?q=Jansen", headers={"Cookie": cookie})
    nginx.request("GET", "/register/gallery/?q=Jansen", secure=False)
    photo = world.photo
    url = reverse("incidents:photo", args=[world.incident.pk, photo.pk])
    assert nginx.request("GET", url, headers={"Cookie": cookie})[0] == 200

    lines = nginx.log_lines(3)
    log = nginx.access_log.read_text()
    assert "Jansen" not in log
    assert [line["path"] for line in lines] == ["/register/gallery/", "/register/gallery/", url]
    assert [line["status"] for line in lines][1:] == [301, 200]
    assert all(re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) for line in lines)
    assert PRIVATE_PREFIX not in log


def test_gallery_photos_come_from_nginx_by_links_that_end(nginx, world, client, django_requests):
    """Issue 22: the gallery page is Django's; its photos are copies watermarked for the shop and
    day, which nginx hands out by the signed links on the page without asking Django. A link we
    did not sign is a 403, one past its time a 410, and once the person left the gallery the link
    the page gave earlier is a 404."""
    from bans import gallery_copies
    from bans import services as register
    from bans.gallery_models import GalleryViewer
    from merchants.services import sign_protocol
    from plumbing.files import signed_url

    staff = world.users["participant"]
    sign_protocol(world.protocol, actor=staff)
    cookie = _session_cookie(client, staff)
    measure = world.banned.measures.get()
    assert nginx.request("GET", reverse("bans:gallery"), headers={"Cookie": cookie})[0] == 200
    assert gallery_copies.warm(GalleryViewer.objects.get()) == 3  # s, m and l of one photo

    status, _, page = nginx.request("GET", reverse("bans:gallery"), headers={"Cookie": cookie})
    links = [
        html.unescape(link) for link in re.findall(r'src="(/signed/gallery/[^"]+)"', page.decode())
    ]
    assert status == 200 and len(links) == 1
    django_requests.clear()
    status, headers, body = nginx.request("GET", links[0])
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(body)).width == 480  # the "m" copy
    assert django_requests == []  # no request of the photo's reached Django

    path, query = links[0].split("?")
    md5 = re.search(r"md5=([^&]+)", query).group(1)
    tampered = links[0].replace(md5, ("A" if md5[0] != "A" else "B") + md5[1:])
    assert nginx.request("GET", tampered)[0] == 403
    other = path.replace(path.rsplit("/", 1)[1], "0" * 32 + ".jpg") + "?" + query
    assert nginx.request("GET", other)[0] == 403  # the signature covers the file's name
    name = path.removeprefix("/signed/")
    assert nginx.request("GET", signed_url(default_storage, name, seconds=-5))[0] == 410

    register.revoke(measure, actor=world.users["officer"], reason="Ten onrechte opgelegd")
    assert nginx.request("GET", links[0])[0] == 404
    assert django_requests == []
