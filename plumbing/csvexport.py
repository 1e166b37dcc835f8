"""CSV downloads that open correctly in Dutch Excel and cannot smuggle formulas.

Dutch Excel reads `;` as the separator (the comma is the decimal sign) and needs a byte-order mark
to see UTF-8. A cell starting with = + - @ (or a tab/CR) is prefixed with ' so that Excel shows
it as text instead of running it (CSV injection).
"""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text):
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


class _Echo:
    def write(self, value):
        return value


def csv_response(
    filename: str, header: list[str], rows: Iterable[Iterable]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")

    def lines():
        yield "\ufeff"
        yield writer.writerow([_safe(cell) for cell in header])
        for row in rows:
            yield writer.writerow([_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
