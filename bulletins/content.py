"""What a bulletin shows, to whom: the entries still in force today, the email rendered once per
bulletin and batch (`Edition`) and filled in per shop at the byte level (`plumbing.mail.MailMerge`:
the same bytes Django would build), each shop's photos watermarked with one mark drawn once for it
(`plumbing.images.watermark`, which keeps the layer), and the signed link a shop opens the
bulletin with. A measure revoked after the bulletin was made is left out of every email sent
after the revocation.
"""

import logging
from datetime import timedelta
from email.mime.image import MIMEImage

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart, SafeMIMEText
from django.db.models import Count, Max, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from bans.models import BAN_KINDS, Measure
from bulletins.models import BulletinDelivery
from plumbing.images import decode_for_watermark, watermark
from plumbing.mail import (
    MailMerge,
    MergeUnavailable,
)

logger = logging.getLogger(__name__)

# The salt of links already sent by email (valid 14 days): it keeps the name of the app the
# bulletins had then, so those links still open.
LINK_SALT = "bans.bulletin.link"


LINK_MAX_AGE = timedelta(days=14)


LANGUAGE = "nl"


class Photos:
    """Each person's thumbnail (at most 320 px: enough to recognise a face, too small to print a
    poster) read and decoded once per batch, and watermarked per recipient."""

    def __init__(self):
        self._decoded = {}

    def load(self, entries):
        """Read and decode the entries' newest photos now, with one query for all, so that
        marking them (perhaps in another thread) needs no database."""
        todo = [entry for entry in entries if entry.person_id not in self._decoded]
        prefetch_related_objects(todo, "person__photos")
        for entry in todo:
            photo = next(iter(entry.person.photos.all()), None)  # newest first
            self._decoded[entry.person_id] = decoded_photo(photo) if photo else None

    def has(self, entry) -> bool:
        self.load([entry])
        return self._decoded[entry.person_id] is not None

    def for_shop(self, entry, shop, day) -> bytes | None:
        self.load([entry])
        image = self._decoded[entry.person_id]
        if image is None:
            return None
        # The shop's mark is drawn for its first photo and kept (rows arrive shop by shop).
        return mark_photo(image, f"{shop.name} · {day:%d-%m-%Y}")


def mark_photo(image, text) -> bytes:
    """A baseline JPEG: about twice as quick to encode as progressive, for bulk mail."""
    return watermark(image, text, opacity=0.35, fast=True)


def decoded_photo(photo):
    """A person's thumbnail decoded, or None (logged) when its file is missing or unreadable:
    the bulletin goes out without that photo rather than not at all."""
    try:
        with default_storage.open(photo.thumbnail.name, "rb") as handle:
            return decode_for_watermark(handle.read())
    except (OSError, ValueError, SyntaxError):
        logger.warning(
            "bulletins: the photo %s of person %s cannot be read", photo.pk, photo.person_id
        )
        return None


def current_entries(bulletin, day) -> list:
    """The edition's people whose measure is still in force: a revoked card is not sent."""
    in_force = Measure.objects.in_force_on(day).values("pk")
    return list(
        bulletin.entries.filter(
            measure__in=in_force,
            person__merged_into__isnull=True,
            person__personal_data_removed_at__isnull=True,
        )
        .select_related("person", "measure")
        .order_by("position")
    )


def link_token(bulletin_id, shop_id, signer=None) -> str:
    """What `signing.dumps` makes, with a signer made once per batch (``_link_signer``). Not
    compressed: zlib took 0.15 ms per shop to make these 40 bytes no shorter (`read_link_token`
    reads either)."""
    return (signer or _link_signer()).sign_object({"b": bulletin_id, "s": shop_id})


def _link_signer():
    return signing.TimestampSigner(salt=LINK_SALT)


def read_link_token(token, bulletin_id):
    """The shop a bulletin link was made for, or None when it is forged, expired or for another
    bulletin."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("b") != bulletin_id:
        return None
    return data.get("s")


class Edition:
    """One bulletin as a batch sends it: the entries still in force, their photos, and the email
    rendered once, with placeholders for what differs per shop (its name, its link, the photos'
    Content-IDs and the photos themselves, watermarked for it); `build_message` fills them in.
    Rendering the templates per shop took more time than sending the message."""

    def __init__(self, bulletin, day, entries):
        self.bulletin, self.day, self.entries = bulletin, day, entries
        self.inline = bulletin.mode == "inline"
        self.photos = Photos()
        if self.inline:
            self.photos.load(entries)
        self.content = _content(bulletin, entries, self.inline)
        self.photographed = [e for e in self.entries if self.inline and self.photos.has(e)]
        self.link = settings.SITE_URL + reverse("bulletins:bulletin", args=[bulletin.pk])
        self.signer = _link_signer()
        self.error = None
        try:
            self._render()
        except Exception as error:
            self.error = error

    def _render(self):
        merge = self.merge = MailMerge()
        shop_text, shop_html = merge.field("shop"), merge.field("shop-html")
        if self.inline:
            link_text = link_html = self.link  # not in the email: the photos are
            row = merge.ascii_field("row")
        else:
            link_text, link_html, row = merge.field("link"), merge.field("link-html"), None
        photographed = {entry.person_id for entry in self.photographed}
        corrections = corrections_of(self.bulletin)
        people = [
            {
                "name": entry.person.display_name,
                "description": entry.person.description,
                "kind": entry.measure.get_kind_display(),
                "is_ban": entry.measure.kind in BAN_KINDS,
                "ends_on": entry.measure.ends_on,
                "is_new": entry.is_new,
                "cid": _cid(entry, row) if entry.person_id in photographed else None,
            }
            for entry in self.entries
        ]

        def context(shop_name, link):
            return {
                "bulletin": self.bulletin,
                "partnership": self.bulletin.partnership,
                "shop": _Shop(shop_name),
                "people": people,
                "corrections": corrections,
                "inline": self.inline,
                "link": link,
                "day": self.day,
                "last_day": max((p["ends_on"] for p in people), default=None),
            }

        with translation.override(LANGUAGE):
            text_context = context(shop_text, link_text)
            subject = render_to_string("bulletins/email/bulletin_subject.txt", text_context)
            self.subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
            self.text = render_to_string("bulletins/email/bulletin_message.txt", text_context)
            self.html = render_to_string(
                "bulletins/email/bulletin_message.html", context(shop_html, link_html)
            )
        images = [
            (entry.person_id, _cid(entry, row), merge.binary_field(f"photo-{entry.person_id}"))
            for entry in self.photographed
        ]
        try:
            merge.compile(self.email(None, self.text, self.html, images))
        except MergeUnavailable as error:
            # A person's description with a line over 998 bytes, say: still correct, slower.
            logger.info("bulletins: bulletin %s is built per shop: %s", self.bulletin.pk, error)
            self.merge_ready = False
        else:
            self.merge_ready = True

    def shows(self, bulletin, entries, day) -> bool:
        """Is this what an edition made now would show? (Its photos are decoded already.)"""
        if self.inline:
            prefetch_related_objects(entries, "person__photos")
        return day == self.day and _content(bulletin, entries, self.inline) == self.content

    def values(self, row) -> tuple[dict, dict]:
        """The placeholders' values for this row, and its photos: {person id: JPEG}."""
        shop = row.shop
        values = {"shop": shop.name, "shop-html": escape(shop.name)}
        photos = {}
        if self.inline:
            values["row"] = str(row.pk)
            for entry in self.photographed:
                photos[entry.person_id] = self.photos.for_shop(entry, shop, self.day)
        else:
            link = f"{self.link}?t={link_token(self.bulletin.pk, shop.pk, self.signer)}"
            values.update({"link": link, "link-html": escape(link)})
        return values, photos

    def email(self, to, text, html, images) -> "BulletinEmail":
        """The message built the ordinary way, with Django's MIME classes; ``images`` are
        (person id, Content-ID, JPEG)."""
        related = []
        for person_id, cid, data in images:
            image = MIMEImage(data, "jpeg")
            image.add_header("Content-ID", f"<{cid}>")
            image.add_header("Content-Disposition", "inline", filename=f"{person_id}.jpg")
            related.append(image)
        message = BulletinEmail(
            subject=self.subject,
            body=text,
            to=[to] if to else [],
            headers={
                "Sensitivity": "Company-Confidential",
                "X-KVO-Bulletin": str(self.bulletin.pk),
            },
        )
        message.attach_alternative(html, "text/html")
        message.related = related
        return message


def corrections_of(bulletin) -> list[dict]:
    """The wrong people this edition tells the shops about: the name as shown, and when."""
    return [
        {"name": name, "shown_on": shown_on}
        for name, shown_on in bulletin.corrections.values_list("display_name", "shown_on")
    ]


def _content(bulletin, entries, inline) -> tuple:
    """Everything of the bulletin and its entries that the email shows, apart from the shop."""
    return (
        bulletin.partnership.name,
        tuple((c["name"], c["shown_on"]) for c in corrections_of(bulletin)),
        *(
            (
                entry.pk,
                entry.is_new,
                entry.person.display_name,
                entry.person.description,
                entry.measure.kind,
                entry.measure.ends_on,
                # The newest photo, loaded with the entries (`Photos.load`).
                next(iter(entry.person.photos.all()), None) if inline else None,
            )
            for entry in entries
        ),
    )


class _Shop:
    """What the templates read of the shop, with a placeholder for its name."""

    def __init__(self, name):
        self.name = name


def _cid(entry, row):
    return f"person-{entry.person_id}-{row}@kvo"


def build_message(row, edition, *, merged=False):
    """The email for one row: the bytes for the wire (`MergedMessage`) when ``merged`` and the
    bulletin allows it, else a `BulletinEmail`. Raises `InvalidRecipient` for an address the
    mail library refuses, and whatever rendering the bulletin raised."""
    if edition.error is not None:
        raise edition.error
    values, photos = edition.values(row)
    if merged and edition.merge_ready:
        binaries = {
            f"photo-{entry.person_id}": photos[entry.person_id] for entry in edition.photographed
        }
        message = edition.merge.render(row.email, values, binaries)
        if message is not None:
            return message
    images = [
        (entry.person_id, _cid(entry, row.pk), photos[entry.person_id])
        for entry in edition.photographed
    ]
    fill = edition.merge.fill
    return edition.email(row.email, fill(edition.text, values), fill(edition.html, values), images)


class BulletinEmail(EmailMultiAlternatives):
    """multipart/alternative of the text and a multipart/related (RFC 2387) of the HTML with its
    photos, so mail clients show the photos in the page, not as attachments."""

    related = ()

    def _create_alternatives(self, msg):
        if not self.related:
            return super()._create_alternatives(msg)
        encoding = self.encoding or settings.DEFAULT_CHARSET
        html = next(a.content for a in self.alternatives if a.mimetype == "text/html")
        page = SafeMIMEMultipart(_subtype="related", encoding=encoding)
        page.set_param("type", "text/html")
        page.attach(SafeMIMEText(html, "html", encoding))
        for image in self.related:
            page.attach(image)
        both = SafeMIMEMultipart(_subtype="alternative", encoding=encoding)
        both.attach(msg)
        both.attach(page)
        return both


def delivery_counts(bulletins) -> dict:
    """{bulletin_id: {state: count}} for a list of bulletins, in one query."""
    counts = {}
    for row in (
        BulletinDelivery.objects.filter(bulletin__in=bulletins)
        .values("bulletin_id", "state")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(row["bulletin_id"], {})[row["state"]] = row["n"]
    return counts


def last_sent_at(bulletin):
    return bulletin.deliveries.aggregate(at=Max("sent_at"))["at"]
