"""Who comes to the site the minute a bulletin lands (issue 9), for `bench/load.py`.

- 300 merchants of one partnership open the gallery on their phones, within a minute: the page,
  then the photos a phone shows first (the first 12), then, scrolling, the next 12. Each does
  this once: that is the burst.
- 20 officers work their queue, open cases and look at the dashboard, with a few seconds between
  clicks, for the whole run.
- 10 shop staff report incidents with a 2 MP photo, now and then.

Every user has its own logged-in session (cookies made by bench/load.py from the seeded
accounts, as a phone that logged in earlier has), so the load is the work itself, not 330
password hashes. Run only through bench/load.py, which starts the server and reads the figures.
"""

import html
import io
import json
import os
import random
import re
import uuid
from datetime import datetime, timedelta

from locust import HttpUser, between, events, task

USERS = json.loads(open(os.environ["KVO_LOAD_USERS"]).read())  # noqa: SIM115
# The photos' signed links (nginx answers them) or, for a copy not made yet, the photo view.
IMG = re.compile(r'<img src="(/signed/gallery/[^"]+|/register/gallery/[^"]+)"')
CASE = re.compile(r'href="(/incidents/\d+/)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SHOP = re.compile(r'<option value="(\d+)"[^>]*selected')


def _photo() -> bytes:
    """One 2 MP JPEG like a CCTV still, made once."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1200), (90, 96, 104))
    draw = ImageDraw.Draw(image)
    rng = random.Random(7)  # noqa: S311
    for _ in range(400):
        x, y = rng.randrange(1600), rng.randrange(1200)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.rectangle([x, y, x + rng.randrange(10, 120), y + rng.randrange(10, 90)], fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


PHOTO = _photo()


# Every request of the burst (the gallery pages and their photos), for one percentile over them
# all: bench/load.py reads the file when locust has stopped.
BURST = []


@events.request.add_listener
def _record_burst(request_type, name, response_time, exception, **kwargs):
    if name.startswith("gallery"):
        BURST.append((round(response_time, 1), exception is not None))


@events.quitting.add_listener
def _write_burst(environment, **kwargs):
    with open(os.environ["KVO_LOAD_BURST"], "w") as handle:
        json.dump(BURST, handle)


def _photo_name(src):
    """Photos by signed link (nginx) apart from those the view still had to make (Django)."""
    return "gallery photo" if src.startswith("/signed/") else "gallery photo (made on asking)"


class _Session(HttpUser):
    abstract = True
    kind = ""

    def on_start(self):
        # Each simulated person takes the next unused account of its kind.
        self.account = USERS[self.kind].pop()
        self.client.cookies.set("sessionid", self.account["session"])
        # As nginx would pass it on: rate limits and the access log see each phone apart.
        self.client.headers["X-Forwarded-For"] = self.account["address"]


class Merchant(_Session):
    fixed_count = 300
    kind = "merchant"
    wait_time = between(2, 8)

    done = False

    @task
    def open_the_gallery(self):
        if self.done:
            # Looked once; stays in the count (locust would start a new merchant for a stopped
            # one, and there are exactly 300 accounts).
            return
        page = self.client.get("/register/gallery/", name="gallery page")
        images = [html.unescape(src) for src in IMG.findall(page.text)]
        for src in images[:12]:
            self.client.get(src, name=_photo_name(src))
        self.wait()
        for src in images[12:24]:
            self.client.get(src, name=_photo_name(src))
        self.done = True


class Officer(_Session):
    fixed_count = 20
    kind = "officer"
    wait_time = between(2, 6)

    @task(3)
    def queue_and_a_case(self):
        queue = self.client.get("/incidents/queue/", name="officer queue")
        cases = CASE.findall(queue.text)
        if cases:
            self.client.get(random.choice(cases), name="officer case")  # noqa: S311

    @task(1)
    def dashboard(self):
        self.client.get("/dashboard/", name="officer dashboard")


class Reporter(_Session):
    fixed_count = 10
    kind = "reporter"
    wait_time = between(5, 15)

    @task
    def report(self):
        form = self.client.get("/incidents/report/", name="report form")
        token = CSRF.search(form.text)
        shop = SHOP.search(form.text)
        occurred = (datetime.now() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
        self.client.post(
            "/incidents/report/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "submission_key": str(uuid.uuid4()),
                "shop": shop.group(1) if shop else "",
                "kind": "shoplifting",
                "occurred_at": occurred,
                "description": "Man stak twee flessen wijn in zijn jas en liep naar buiten.",
                "goods_value": "24,98",
                "police_report": "will_do",
                "person_description": "Lang, donkere jas",
                "person_age": "35",
            },
            files={"photos": ("still.jpg", PHOTO, "image/jpeg")},
            headers={"Referer": self.host + "/incidents/report/"},
            name="report sent",
        )
