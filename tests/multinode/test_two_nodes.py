"""Two web nodes behind nginx and a Celery worker (issue 22): gunicorn nodes A and B share
PostgreSQL, Redis and the object store (SeaweedFS), nothing else. A report with photos sent to node
A shows its photos through node B; node A is killed during a burst of reports, and every report is
stored exactly once: a request that fails is refused with an error the client can retry, and the
retry (with the same submission key) goes to node B. The worker, taking its task from Redis,
builds a bulletin from the shared database and store.

CI only: PostgreSQL and Redis (DATABASE_URL, REDIS_URL), nginx and SeaweedFS."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone

from incidents.models import Incident
from merchants.models import User
from tests.conftest import ROOT, skip_or_fail
from tests.factories import PASSWORD
from tests.incidents.factories import cctv_still
from tests.kvo.test_backup_restore import _pg_url
from tests.object_store import ACCESS_KEY, SECRET_KEY
from tests.ports import free_ports

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
BIN = Path(sys.executable).parent

NGINX_CONF = """
worker_processes 1;
error_log {dir}/error.log;
pid {dir}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_max_body_size 60m;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    upstream kvo {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=30s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=30s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://kvo;
            proxy_set_header Host $host;
            # A POST is never sent to a second node once the first may have it (no doubles);
            # a refused connection is.
            proxy_next_upstream error timeout;
        }}
    }}
}}
"""


class Cluster:
    def __init__(self, tmp: Path, env: dict):
        self.tmp, self.env, self.processes = tmp, env, {}
        self.a, self.b, self.port = free_ports(3)
        try:
            self._start_all()
        except BaseException:
            self.stop()  # a part that never came up must not leave the others running
            raise

    def _start_all(self):
        tmp, env = self.tmp, self.env
        for name, port in (("A", self.a), ("B", self.b)):
            gunicorn = [str(BIN / "gunicorn"), "kvo.wsgi:application"]
            options = ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30"]
            options += ["--control-socket", str(tmp / f"gunicorn-{name}.ctl")]
            self.processes[name] = self._start([*gunicorn, *options], name)
        for port in (self.a, self.b):
            self._wait(f"http://127.0.0.1:{port}/healthz")
        nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
        if nginx is None:
            skip_or_fail("nginx not found (apt-get install nginx)")
        (tmp / "nginx").mkdir()
        conf = tmp / "nginx" / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=tmp / "nginx", a=self.a, b=self.b, port=self.port))
        self.processes["nginx"] = self._start(
            [nginx, "-c", str(conf), "-p", str(tmp / "nginx"), "-g", "daemon off;"], "nginx"
        )
        self._wait(f"{self.front}/healthz")
        # One Celery worker beside the nodes, taking its tasks from Redis.
        worker = [str(BIN / "celery"), "-A", "kvo", "worker", "--pool=solo", "-l", "WARNING"]
        worker += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.processes["worker"] = self._start(
            worker, "worker", env={**env, "CELERY_TASK_ALWAYS_EAGER": "false"}
        )

    @property
    def front(self):
        return f"http://127.0.0.1:{self.port}"

    def node(self, name):
        return f"http://127.0.0.1:{self.a if name == 'A' else self.b}"

    def _start(self, command, name, env=None):
        log = (self.tmp / f"{name}.log").open("wb")
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _wait(self, url, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if requests.get(url, headers={"Host": "localhost"}, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{url} did not answer; see the logs in {self.tmp}")

    def kill(self, name):
        """As a crashed machine: the node's master and workers at once, no goodbye."""
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def cluster(world, seaweed, tmp_path, settings):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        skip_or_fail("two web nodes need PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    prefix, entry = seaweed.bucket()
    # The test's own writes (a person's photo) go to the same store as the nodes'.
    settings.S3_BUCKET = seaweed.BUCKET
    settings.STORAGES = {**settings.STORAGES, "default": entry}
    # The suite hashes passwords with MD5 for speed; the nodes run the production hashers.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, "multinode", iterations=1000)
    User.objects.filter(pk__in=[u.pk for u in world.users.values() if u]).update(password=hashed)
    env = {
        **os.environ,
        "DATABASE_URL": _pg_url(connection.settings_dict["NAME"]),
        "REDIS_URL": settings.REDIS_URL,  # this test worker's Redis (tests/conftest.py)
        "REDIS_CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "KVO_VAR_DIR": str(tmp_path / "var"),
        "S3_BUCKET": seaweed.BUCKET,
        "S3_LOCATION": prefix,
        "S3_ENDPOINT_URL": seaweed.endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
    }
    nodes = Cluster(tmp_path, env)
    yield nodes
    nodes.stop()


def logged_in(base, user) -> requests.Session:
    browser = requests.Session()
    browser.headers["Host"] = "localhost"
    browser.get(f"{base}/accounts/login/", timeout=10)
    answer = browser.post(
        f"{base}/accounts/login/",
        data={
            "login": user.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, re.findall(r"errorlist[^>]*><li>([^<]*)", answer.text)
    return browser


def report(browser, base, world, key, photos=1):
    moment = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        "submission_key": str(key),
        "shop": world.shop.pk,
        "kind": "shoplifting",
        "occurred_at": moment,
        "description": "Vrouw nam drie lippenstiften mee zonder te betalen.",
        "police_report": "will_do",
    }
    files = [("photos", (f"cam{i}.jpg", cctv_still(seed=i), "image/jpeg")) for i in range(photos)]
    return browser.post(
        f"{base}/incidents/report/", data=data, files=files, allow_redirects=False, timeout=30
    )


def test_photos_sent_to_node_a_show_through_node_b(cluster, world, seaweed):
    reporter = logged_in(cluster.node("A"), world.users["participant"])
    sent = report(reporter, cluster.node("A"), world, uuid.uuid4(), photos=2)
    assert sent.status_code == 302, sent.text[:500]
    incident = Incident.objects.get()
    photo = incident.photos.first()

    officer = logged_in(cluster.node("B"), world.users["owner"])  # the shop's owner sees it too
    case = officer.get(f"{cluster.node('B')}{incident.get_absolute_url()}", timeout=10)
    assert case.status_code == 200
    path = re.search(r'src="(/incidents/\d+/photos/\d+/[^"]*)"', case.text).group(1)
    answer = officer.get(f"{cluster.node('B')}{path}", allow_redirects=False, timeout=10)
    link = answer.headers["Location"]
    assert answer.status_code == 302 and link.startswith(seaweed.endpoint)
    image = requests.get(link, timeout=10)
    assert image.status_code == 200 and image.content[:3] == b"\xff\xd8\xff"
    assert photo is not None


def test_node_a_killed_during_a_burst_loses_no_report_and_doubles_none(cluster, world):
    reporter = logged_in(cluster.front, world.users["participant"])
    keys = [uuid.uuid4() for _ in range(30)]
    outcomes = []

    def send(key):
        for attempt in range(4):
            try:
                answer = report(reporter, cluster.front, world, key)
            except requests.RequestException:
                outcomes.append("retry")
                continue
            if answer.status_code == 302:
                return attempt
            outcomes.append(f"retry after {answer.status_code}")
            time.sleep(0.5)
        return None

    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(send, key) for key in keys]
        stored = Incident.objects.filter(submission_key__in=keys)
        deadline = time.monotonic() + 30
        while stored.count() < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        cluster.kill("A")
        at_the_kill = stored.count()
        results = [future.result() for future in futures]

    assert 0 < at_the_kill < len(keys)  # killed during the burst

    assert all(result is not None for result in results), outcomes
    assert stored.count() == len(keys)  # every report once: none lost, none twice


# The task goes through Redis on purpose, although this test process runs its own tasks eagerly.
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_the_worker_builds_a_bulletin_from_the_shared_database_and_store(cluster, world):
    from bulletins.models import Bulletin
    from kvo.celery import app

    person = world.banned  # a red card in force, its photo in the object store
    app.send_task("bulletins.tasks.weekly_bulletin", args=[world.deventer.pk])  # via Redis
    deadline = time.monotonic() + 60
    while not Bulletin.objects.filter(partnership=world.deventer).exists():
        assert time.monotonic() < deadline, (cluster.tmp / "worker.log").read_text()[-2000:]
        time.sleep(0.2)
    bulletin = Bulletin.objects.get(partnership=world.deventer)
    assert bulletin.trigger == "weekly"
    assert list(bulletin.entries.values_list("person", flat=True)) == [person.pk]
