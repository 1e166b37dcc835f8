"""Errors as problem details (RFC 9457): `application/problem+json` with type, title, status and
detail; validation errors add `errors` by field."""

from rest_framework.views import exception_handler


def problem_details(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real error: Django's 500 handling, logged
    data = response.data
    problem = {
        "type": "about:blank",
        "title": response.status_text,
        "status": response.status_code,
    }
    if isinstance(data, dict) and set(data) == {"detail"}:
        problem["detail"] = str(data["detail"])
    else:
        problem["detail"] = "The request has errors; see `errors`."
        problem["errors"] = data
    response.data = problem
    response["Content-Type"] = "application/problem+json"
    response.content_type = "application/problem+json"
    return response
