"""HTTP helpers every app's views share."""

from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """A download with a Chinese file name that every browser keeps (RFC 5987)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%s" % quote(filename)
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return attachment(content, filename, XLSX)
