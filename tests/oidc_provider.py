"""The tests' OpenID Connect provider: panva's oidc-provider under Node.js (tests/oidc), started
on loopback for a test with the clients it needs. `make test` and .ci/run install its packages
(npm ci); outside CI a machine without Node.js or the packages skips the tests that need it.

`LoginAtProvider` plays the person's browser at the provider: it follows the app's redirect to
the provider, signs in on the provider's page (with or without a second factor) and returns the
address the provider sends the browser back to."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import requests

from tests.conftest import skip_or_fail

HERE = Path(__file__).resolve().parent / "oidc"
SECRET = "test-provider-client-secret"


def ensure_installed():
    node = shutil.which("node")
    if node is None:
        skip_or_fail("Node.js not found: the OpenID Connect provider of the tests needs it")
    if not (HERE / "node_modules" / "oidc-provider").exists():
        npm = shutil.which("npm")
        if npm is None:
            skip_or_fail("npm not found: cannot install the tests' OpenID Connect provider")
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=HERE, capture_output=True
        )
        if done.returncode:
            skip_or_fail(f"npm ci in tests/oidc failed: {done.stderr.decode()[-400:]}")
    return node


class OidcProvider:
    def __init__(self, client_id, redirect_uris):
        node = ensure_installed()
        self.client_id, self.secret = client_id, SECRET
        clients = [
            {
                "client_id": client_id,
                "client_secret": SECRET,
                "redirect_uris": list(redirect_uris),
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
            }
        ]
        env = {**os.environ, "PORT": "0", "CLIENTS": json.dumps(clients)}
        self.process = subprocess.Popen(
            [node, str(HERE / "provider.mjs")],
            cwd=HERE,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        match = re.match(r"listening (\d+)", line or "")
        if not match:
            self.close()
            raise RuntimeError(f"the OpenID Connect provider did not start: {line!r}")
        self.issuer = f"http://127.0.0.1:{match.group(1)}"

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def provider_for(partnership, base_url, name="Politie-account"):
    """A running provider that knows the app at `base_url`, and the partnership set up to use it."""
    from merchants.sso_models import SingleSignOn

    slug = partnership.slug
    provider = OidcProvider(f"kvo-{slug}", [f"{base_url}/accounts/oidc/kvo-{slug}/login/callback/"])
    SingleSignOn.objects.create(
        partnership=partnership,
        enabled=True,
        name=name,
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=provider.secret,
    )
    return provider


class LoginAtProvider:
    """The person's browser at the provider."""

    def __init__(self, provider):
        self.provider = provider
        self.session = requests.Session()

    def sign_in(self, authorize_url, email, *, second_factor, back_to):
        page = self.session.get(authorize_url, timeout=10)
        page.raise_for_status()
        action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
        form = {"email": email, **({"mfa": "1"} if second_factor else {})}
        answer = self.session.post(
            urljoin(page.url, action), data=form, allow_redirects=False, timeout=10
        )
        # The provider resumes the authorization and sends the browser back to the app.
        for _hop in range(10):
            location = answer.headers.get("Location", "")
            if location.startswith(back_to):
                return location
            if answer.status_code not in (302, 303) or not location:
                raise AssertionError(f"provider answered {answer.status_code}: {answer.text[:300]}")
            answer = self.session.get(
                urljoin(answer.url, location), allow_redirects=False, timeout=10
            )
        raise AssertionError("the provider never sent the browser back")
