"""The server's requests, responses and errors, free of any socket: the handler is a plain
function from Request to Response, so it is tested in-process."""

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from rekg.core.formats import HTML_MEDIA_TYPE
from rekg.serve.conneg import negotiate


@dataclass
class Request:
    method: str
    path: str  # percent-decoded path, without the query string
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    @classmethod
    def make(cls, method: str, target: str, headers=None, body: bytes = b"") -> "Request":
        """A request from a method and a request target such as '/sparql?query=ASK%7B%7D'."""
        parts = urlsplit(target)
        return cls(
            method.upper(),
            # bytes that are not UTF-8 are kept (as surrogates) for App.handle to refuse,
            # rather than turned into U+FFFD and looked up
            unquote(parts.path, errors="surrogateescape"),
            parse_qs(parts.query, keep_blank_values=True),
            {k.lower(): v for k, v in (headers or {}).items()},
            body,
        )

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    @property
    def accept(self) -> str | None:
        return self.header("accept")


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        if name.lower() == "content-type":
            return self.content_type
        return None


@dataclass
class HttpError(Exception):
    """A refusal with its status, what went wrong and how to fix it."""

    status: int
    message: str
    remedy: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


REASONS = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    408: "Request Timeout",
    411: "Length Required",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{status} {reason}</title></head>
<body><h1>{status} {reason}</h1><p>{message}</p>{remedy}</body></html>
"""


def error_response(error: HttpError, accept: str | None) -> Response:
    """The error as HTML for browsers and as JSON for everyone else; never a traceback."""
    from html import escape

    reason = REASONS.get(error.status, "Error")
    if negotiate(accept, ["application/json", HTML_MEDIA_TYPE]) == HTML_MEDIA_TYPE:
        remedy = f"<p>Fix: {escape(error.remedy)}</p>" if error.remedy else ""
        body = _ERROR_PAGE.format(
            status=error.status, reason=reason, message=escape(error.message), remedy=remedy
        )
        content_type = "text/html; charset=utf-8"
    else:
        doc = {"status": error.status, "error": error.message, **error.extra}
        if error.remedy:
            doc["remedy"] = error.remedy
        body = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
        content_type = "application/json"
    return Response(error.status, body.encode("utf-8"), content_type, dict(error.headers))
