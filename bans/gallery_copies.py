"""The gallery's photos without Python in the path (issue 22).

The gallery page is authorised and logged by Django (bans/views.py). Its photos are copies
watermarked for one viewer (the shops whose names the watermark carries), one day and one size,
kept in the private storage and handed out by links signed for ``GALLERY_LINK_SECONDS``: the
object store's own signed links, or nginx's ``secure_link`` on the disk (plumbing/files.py). A
photo request then never reaches a web worker.

- Copies are made before anyone asks: every night for the viewers who opened the gallery in the
  last ``ACTIVE_DAYS`` days, and when a collective measure comes into force (bans/tasks.py). A
  copy that is missing all the same is made by the photo view the first time it is asked for
  (``copy_for``), which then serves the bytes itself.
- A copy is deleted when its person leaves the viewer's gallery (a measure ends, is revoked or
  suspended, a person is merged) and when its day is over: the file goes with the row, so a link
  made before gives a 404 from then on, however long it had left.
"""

from __future__ import annotations

import hashlib
import logging
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from bans.gallery_models import GalleryCopy, GalleryViewer
from bans.models import COLLECTIVE_KINDS, Measure, MeasureKind, PersonPhoto
from bans.selectors import gallery_people, shops_sharing_an_owner
from merchants.models import Shop
from plumbing.files import STORAGE_FAILURES, delete_files, random_name, signed_url
from plumbing.images import GALLERY_BOXES, decode_for_watermark, fitted, watermark

logger = logging.getLogger(__name__)

# Viewers who opened the gallery within this many days get their copies made every night.
ACTIVE_DAYS = 14


def stamp(text: str, day) -> str:
    """The watermark: the viewer's shops and the day (DESIGN.md section 3)."""
    return f"{text} · {day:%d-%m-%Y}"


def viewer_for(partnership, shops, text: str, *, day) -> GalleryViewer:
    """The viewer of these shops, marked as seen on ``day``. A shop renamed since today's copies
    were made makes new ones (the watermark must name the shop as it is called now)."""
    shop_ids = sorted(shop.pk for shop in shops)
    key = hashlib.sha256(",".join(map(str, shop_ids)).encode()).hexdigest()[:32]
    viewer, created = GalleryViewer.objects.get_or_create(
        partnership=partnership,
        key=key,
        defaults={"shop_ids": shop_ids, "text": text, "last_seen": day},
    )
    if not created and viewer.text != text:
        with transaction.atomic():
            # The UPDATE holds the viewer's row until the old copies are gone, and `_keep` locks
            # that row too: a copy with the old name is kept before this and deleted here, or
            # refused by `_keep` after it.
            GalleryViewer.objects.filter(pk=viewer.pk).update(last_seen=day, text=text)
            GalleryCopy.objects.filter(viewer=viewer).delete()
        viewer.last_seen, viewer.text = day, text
    elif not created and viewer.last_seen != day:
        GalleryViewer.objects.filter(pk=viewer.pk).update(last_seen=day)
        viewer.last_seen = day
    return viewer


def links(viewer: GalleryViewer, people, *, day) -> None:
    """Give each person with a photo ``photo_links``: size -> link. A size whose copy exists gets
    its signed link (one query for the page); the others the photo view, which makes the copy."""
    photo_ids = [person.photo_pk for person in people if person.photo_pk]
    if not photo_ids:
        return
    copies = GalleryCopy.objects.filter(viewer=viewer, day=day, photo_id__in=photo_ids)
    found = {}
    seconds = settings.GALLERY_LINK_SECONDS
    for photo_id, size, name in copies.values_list("photo_id", "size", "name"):
        found[photo_id, size] = signed_url(default_storage, name, seconds=seconds)
    for person in people:
        if person.photo_pk:
            view = reverse("bans:gallery_image", args=[person.pk, person.photo_pk])
            # The photo view per size: where a page left open past its links' time asks again
            # (static/js/enhance.js), with access checked anew.
            person.photo_views = {size: f"{view}?size={size}" for size in GALLERY_BOXES}
            person.photo_links = {
                size: found.get((person.photo_pk, size)) or person.photo_views[size]
                for size in GALLERY_BOXES
            }


def copy_for(viewer: GalleryViewer, picture: PersonPhoto, size: str, *, day) -> tuple[bytes, str]:
    """(JPEG, signed link) of the copy of ``picture`` for this viewer, day and size, made now when
    there is none. The link is empty when the copy could not be kept (the store is away): the
    caller serves the bytes, and the next request tries again."""
    if size not in viewer.sizes:  # this viewer's screens ask for this size: made nightly from now
        # Added in the database, not written back from this request: two requests at once
        # asking for two new sizes keep both.
        GalleryViewer.objects.filter(pk=viewer.pk).exclude(sizes__contains=size).update(
            sizes=Concat("sizes", Value(size))
        )
        viewer.sizes += size
    existing = GalleryCopy.objects.filter(photo=picture, viewer=viewer, day=day, size=size).first()
    if existing is not None:
        url = signed_url(default_storage, existing.name, seconds=settings.GALLERY_LINK_SECONDS)
        return b"", url
    marked = render(picture, size, stamp(viewer.text, day))
    name = _keep(viewer, picture, size, day, marked)
    url = signed_url(default_storage, name, seconds=settings.GALLERY_LINK_SECONDS) if name else ""
    return marked, url


def render(picture: PersonPhoto, size: str, text: str) -> bytes:
    """The photo in the gallery's box of ``size``, watermarked with ``text``."""
    return watermark(_base(picture, size), text, fast=True)


def _base(picture: PersonPhoto, size: str):
    """The photo decoded and fitted in the box of ``size``, ready for watermarks."""
    if size == "s":
        with default_storage.open(picture.thumbnail.name) as stored:
            return decode_for_watermark(stored.read())
    # The large rendition when there is one (scaling it is quick), else the original.
    with default_storage.open(picture.display.name or picture.original.name) as stored:
        return fitted(stored.read(), GALLERY_BOXES[size])


def _keep(viewer, picture, size, day, marked) -> str:
    """Store a copy and its row; the name, or "" when the storage took nothing or the viewer's
    shops were renamed since ``marked`` was watermarked. Two requests making the same copy at
    once: the second's file is deleted again, the first one stays."""
    try:
        name = default_storage.save(random_name("gallery", "jpg"), ContentFile(marked))
    except STORAGE_FAILURES as error:
        logger.warning("gallery copy not kept: %s", type(error).__name__)
        return ""
    try:
        with transaction.atomic():
            # Kept only while the viewer's shops are still called what the watermark says (a
            # shop renamed meanwhile: `viewer_for` has deleted the copies with the old name).
            if (
                not GalleryViewer.objects.select_for_update()
                .filter(pk=viewer.pk, text=viewer.text)
                .exists()
            ):
                delete_files([name])
                return ""
            GalleryCopy.objects.create(
                viewer=viewer,
                person_id=picture.person_id,
                photo=picture,
                day=day,
                size=size,
                name=name,
            )
    except IntegrityError:
        delete_files([name])
        existing = GalleryCopy.objects.filter(photo=picture, viewer=viewer, day=day, size=size)
        return existing.values_list("name", flat=True).first() or ""
    return name


def warm(viewers, *, day=None) -> int:
    """Make the copies these viewers' galleries need on ``day`` and do not have yet: each
    person's newest photo, in the sizes each viewer's screens asked for (all three for a viewer
    that has asked for none). Returns the number made.

    Photo by photo: a photo is read and scaled once for all the viewers that need it, and only the
    watermark and the encoding are done per viewer (2 ms for the middle size on this machine,
    against 15 ms from the stored file; docs/scaling.md)."""
    day = day or timezone.localdate()
    viewers = [viewers] if isinstance(viewers, GalleryViewer) else list(viewers)
    wanted = {}  # photo id -> [(viewer, size)]
    for viewer in viewers:
        shops = list(Shop.objects.filter(pk__in=viewer.shop_ids))
        people = gallery_people(viewer.partnership, day=day, viewer_shops=shops)
        for person in people:
            if person.photo_pk:
                for size in viewer.sizes or "".join(GALLERY_BOXES):
                    wanted.setdefault(person.photo_pk, []).append((viewer, size))
    have = set(
        GalleryCopy.objects.filter(
            viewer__in=viewers, day=day, photo_id__in=list(wanted)
        ).values_list("photo_id", "viewer_id", "size")
    )
    pictures = PersonPhoto.objects.filter(pk__in=list(wanted)).only(
        "person_id", "thumbnail", "original", "display"
    )
    made, warmed = 0, set()
    for picture in pictures.iterator():
        todo = [(v, size) for v, size in wanted[picture.pk] if (picture.pk, v.pk, size) not in have]
        bases = {}
        for viewer, size in todo:
            try:
                if size not in bases:
                    bases[size] = _base(picture, size)
                marked = watermark(bases[size], stamp(viewer.text, day), fast=True)
            except (*STORAGE_FAILURES, ValueError) as error:  # no file, or no store just now
                logger.warning("gallery copy not made: %s", type(error).__name__)
                break
            if _keep(viewer, picture, size, day, marked):
                made += 1
                warmed.add(picture.person_id)
    # A decision taken while these copies were being made has pruned before they existed.
    if warmed:
        prune(person_ids=warmed, day=day, past_days=False)
    return made


def active_viewers(partnership=None, *, day=None):
    day = day or timezone.localdate()
    viewers = GalleryViewer.objects.filter(last_seen__gte=day - timedelta(days=ACTIVE_DAYS))
    if partnership is not None:
        viewers = viewers.filter(partnership=partnership)
    return viewers.select_related("partnership").order_by("pk")


def prune(*, person_ids=None, day=None, past_days=True) -> int:
    """Delete the copies no viewer may see any more: those whose person is no longer in their
    viewer's gallery today, and those of past days (at most PRUNE_BATCH a run: they are not
    linked from any page any more, and the sweep comes back in five minutes). ``person_ids``
    limits the first check to these people (after a decision about them). Returns the number
    deleted. ``past_days=False`` leaves past days' copies to the sweep."""
    day = day or timezone.localdate()
    current = GalleryCopy.objects.filter(day=day)
    if person_ids is not None:
        current = current.filter(person_id__in=person_ids)
    pairs = set(current.values_list("viewer_id", "person_id"))
    gone = Q(pk__in=[])
    viewers = GalleryViewer.objects.in_bulk({viewer_id for viewer_id, _ in pairs})
    for viewer_id, viewer in viewers.items():
        people = {person_id for v, person_id in pairs if v == viewer_id}
        shops = Shop.objects.filter(pk__in=viewer.shop_ids)
        applies = Q(kind__in=COLLECTIVE_KINDS) | Q(
            kind=MeasureKind.INDIVIDUAL, issuing_shop__in=shops_sharing_an_owner(shops)
        )
        seen = set(
            Measure.objects.filter(
                applies,
                partnership_id=viewer.partnership_id,
                person_id__in=people,
                person__merged_into__isnull=True,
            )
            .in_force_on(day)
            .values_list("person_id", flat=True)
        )
        if people - seen:
            gone |= Q(viewer_id=viewer_id, person_id__in=people - seen)
    count = _delete(current.filter(gone)) if pairs else 0
    if past_days:
        count += _delete(GalleryCopy.objects.filter(day__lt=day).order_by("pk")[:PRUNE_BATCH])
    return count


PRUNE_BATCH = 5000
# Names whose files `_delete` removed itself: the receiver below need not try again.
_FILES_GONE: ContextVar[frozenset] = ContextVar("gallery_files_gone", default=frozenset())


def _delete(copies) -> int:
    """Files first, then the rows of the files that went (or were gone already). A file the
    storage would not delete keeps its row, so the next sweep tries again, and until then the
    copy is not deleted in name only: deleting the file is what ends a link already given out."""
    rows = list(copies.values_list("pk", "name"))
    done, names = [], []
    for pk, name in rows:
        try:
            default_storage.delete(name)
        except STORAGE_FAILURES:
            logger.warning("a gallery copy's file could not be deleted; tried again later")
            continue
        done.append(pk)
        names.append(name)
    token = _FILES_GONE.set(frozenset(names))
    try:
        GalleryCopy.objects.filter(pk__in=done).delete()
    finally:
        _FILES_GONE.reset(token)
    return len(done)


def prune_later(person_ids) -> None:
    """After this transaction: the copies of these people that may no longer be seen."""
    person_ids = list(person_ids)
    transaction.on_commit(lambda: prune(person_ids=person_ids), robust=True)


@receiver(post_delete, sender=GalleryCopy, dispatch_uid="bans.gallery_copy_file")
def _delete_file(sender, instance, **kwargs):
    """The file goes with its row (a person or photo deleted, a viewer's copies dropped), once
    the deletion is committed; `_delete` removed its files itself."""
    name = instance.name
    if name not in _FILES_GONE.get():
        transaction.on_commit(lambda: delete_files([name]), robust=True)
