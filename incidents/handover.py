"""The hand-over pack for the police: a case in one ZIP, for a fast-track hearing or a detective.

It holds the case file and the pre-filled report form (PDF), every photo exactly as stored on
receipt (re-encoded at intake, at most 2048 px, metadata such as GPS stripped; the SHA-256 was
taken then and the file never changed after), the witness,
the timeline, and a manifest: who made the pack and when, and the SHA-256 of every file, in the
format `sha256sum -c` reads. A photo whose hash differs from the one recorded on receipt says so.
Making a pack is written to the access log. Rendered in the site's language, like the PDFs.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from incidents import documents
from incidents.selectors import timeline
from merchants.purpose import Purpose, purpose_of
from merchants.services import log_action

CHECKSUMS = "SHA256SUMS.txt"


@dataclass(frozen=True)
class PackedFile:
    name: str
    data: bytes
    note: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def handover_pack(incident, *, actor) -> tuple[bytes, str]:
    """The ZIP and its file name; logged as `incidents.pack.made` with the manifest's hash."""
    made_at = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        files, missing = _files(incident)
        manifest = _manifest(incident, files, missing, actor=actor, made_at=made_at)
        filename = _("handover-%(reference)s.zip") % {"reference": incident.reference}
    checksums = "".join(f"{f.sha256}  {f.name}\n" for f in [*files, manifest])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for packed in [*files, manifest, PackedFile(CHECKSUMS, checksums.encode())]:
            info = zipfile.ZipInfo(packed.name, date_time=_zip_time(made_at))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, packed.data)
    log_action(
        "incidents.pack.made",
        actor=actor,
        partnership=incident.partnership,
        obj=incident,
        data={
            "files": len(files),
            "manifest_sha256": manifest.sha256,
            **purpose_of(Purpose.POLICE),
        },
    )
    return buffer.getvalue(), filename


def _files(incident) -> tuple[list[PackedFile], list[str]]:
    """The files of the pack, and the names of photos whose file is missing from storage."""
    reference = incident.reference
    case_file, report_form = _("case-file"), _("police-report-form")
    witness, steps, photos = _("witnesses"), _("timeline"), _("photos")
    files = [
        PackedFile(f"1-{case_file}-{reference}.pdf", documents.case_pdf(incident)),
        PackedFile(f"2-{report_form}-{reference}.pdf", documents.aangifte_pdf(incident)),
        PackedFile(f"3-{witness}.txt", _witness(incident).encode()),
        PackedFile(f"4-{steps}.txt", _timeline(incident).encode()),
    ]
    missing = []
    for number, photo in enumerate(incident.photos.all(), start=1):
        try:
            with default_storage.open(photo.original.name, "rb") as stored:
                data = stored.read()
        except OSError:
            missing.append(f"{photos}/{reference}-{number}.jpg")
            continue
        packed = PackedFile(f"{photos}/{reference}-{number}.jpg", data)
        if not photo.sha256:
            note = _("no hash was recorded on receipt (stored before 0.9)")
        elif photo.sha256 == packed.sha256:
            note = _("the same as the hash recorded on receipt, %(date)s") % {
                "date": _moment(photo.created_at)
            }
        else:
            note = _("DIFFERS from the hash recorded on receipt, %(date)s: %(hash)s") % {
                "date": _moment(photo.created_at),
                "hash": photo.sha256,
            }
        files.append(PackedFile(packed.name, data, note))
    return files, missing


def _witness(incident) -> str:
    if incident.personal_data_removed_at:
        return (
            _("The personal data of this case were removed on %(date)s.")
            % {"date": _moment(incident.personal_data_removed_at)}
            + "\n"
        )
    reporter = incident.reporter.get_full_name() if incident.reporter else "—"
    return "\n".join(
        [
            _("Case: %(reference)s") % {"reference": incident.reference},
            _("Witness: %(witness)s") % {"witness": incident.witness or "—"},
            _("Reported by: %(name)s (%(shop)s)") % {"name": reporter, "shop": incident.shop.name},
            "",
        ]
    )


def _timeline(incident) -> str:
    lines = [_("Timeline of case %(reference)s") % {"reference": incident.reference}, ""]
    for entry in timeline(incident):
        parts = [_moment(entry.created_at), str(entry.title)]
        parts += [entry.detail] if entry.detail else []
        parts += [entry.actor.get_full_name()] if entry.actor else []
        lines.append(" · ".join(parts))
        if entry.note:
            lines.append("    " + entry.note.replace("\n", "\n    "))
    return "\n".join(lines) + "\n"


def _manifest(incident, files, missing, *, actor, made_at) -> PackedFile:
    lines = [
        _("Hand-over pack for the police"),
        "",
        _("Case: %(reference)s") % {"reference": incident.reference}
        + f" ({incident.partnership.name}, {incident.shop.name})",
        _("Police registration number: %(number)s")
        % {"number": incident.police_report_number or "—"},
        _("Made by: %(name)s <%(email)s>") % {"name": actor.get_full_name(), "email": actor.email},
        _("Made at: %(moment)s") % {"moment": _moment(made_at)},
        "",
        _("Files and their SHA-256 hashes (check them with: sha256sum -c %(name)s):")
        % {"name": CHECKSUMS},
        "",
    ]
    for packed in files:
        size = _("%(count)s bytes") % {"count": len(packed.data)}
        lines.append(f"{packed.sha256}  {packed.name}  ({size})")
        if packed.note:
            lines.append(f"    {packed.note}")
    for name in missing:
        lines.append(_("MISSING: %(name)s, the stored file could not be read") % {"name": name})
    lines += [
        "",
        _(
            "The photos are the files as stored when the shop sent them. On receipt they were "
            "re-encoded as JPEG, scaled down to at most 2048 pixels on the long side, and "
            "metadata such as the location were removed; the hash was taken then, and the file "
            "was not changed afterwards."
        ),
        "",
    ]
    manifest = _("manifest")
    return PackedFile(f"0-{manifest}.txt", "\n".join(lines).encode())


def _moment(moment) -> str:
    return date_format(timezone.localtime(moment), "d-m-Y H:i")


def _zip_time(moment):
    local = timezone.localtime(moment)
    return (local.year, local.month, local.day, local.hour, local.minute, local.second)
