"""The PDFs in the Binnenstad's demo dossier: its current certificate and its latest schouw, annual
report and survey, as simple HTML pages rendered to PDF.
"""

import html
from datetime import timedelta

from django.utils import dateformat

from certification import services as dossier
from certification.models import DossierItemKind
from demo.certification.tables import KVO_4_SINCE, PARTNER_NAMES
from merchants.models import AreaKind
from plumbing.dates import add_months

# --- the PDFs -------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title>
<style>@page {{ size: A4; margin: 20mm }}
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4 }}
h1 {{ font-size: 16pt; margin-bottom: 2mm }} .muted {{ color: #555 }}
th {{ text-align: left; padding-right: 8mm; font-weight: normal; color: #555 }}</style></head>
<body><p class="muted">Keurmerk Veilig Ondernemen Deventer</p>
<h1>{title}</h1>{body}</body></html>"""


def _day(day):
    return dateformat.format(day, "j F Y")


def _table(rows):
    cells = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(str(value))}</td></tr>"
        for label, value in rows
    )
    return f"<table>{cells}</table>"


def _certificate_html(area, stars, issued_on, valid_until, body):
    valid_until = valid_until or add_months(issued_on, dossier.CERTIFICATE_MONTHS) - timedelta(
        days=1
    )
    label = AreaKind(area.kind).label
    rows = (
        ("Gebied", f"{area.name} ({label})"),
        ("Sterren", f"{stars} van 5"),
        ("Uitgegeven op", _day(issued_on)),
        ("Geldig tot en met", _day(valid_until)),
        ("Schema", "KVO 4.0" if issued_on >= KVO_4_SINCE else "KVO 3.0"),
        ("Certificerende instelling", body),
    )
    intro = (
        "<p>Het samenwerkingsverband voldoet aan de eisen van het Keurmerk Veilig Ondernemen: "
        "een veiligheidsanalyse, een maatregelenmatrix, een jaarlijkse schouw en vaste afspraken "
        "tussen gemeente, ondernemers, politie en brandweer.</p>"
    )
    return PAGE.format(title=html.escape(f"Certificaat KVO {area.name}"), body=intro + _table(rows))


def _item_html(area, kind, day, title, notes, attendance):
    rows = [
        ("Gebied", area.name),
        ("Soort", str(DossierItemKind(kind).label)),
        ("Datum", _day(day)),
    ]
    if attendance:
        rows.append(("Aanwezig", ", ".join(PARTNER_NAMES[p] for p in attendance)))
    body = _table(rows) + f"<h2>Bevindingen en resultaten</h2><p>{html.escape(notes)}</p>"
    return PAGE.format(title=html.escape(title), body=body)
