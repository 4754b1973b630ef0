"""JSON-lines logs, each line with the id of the request it belongs to (R11: never a token).

The request id is kept in a context variable set by pingyi.web.middleware.RequestIdMiddleware
(a new random id, or nginx's ``X-Request-ID`` when the request comes through a trusted
proxy); RequestIdFilter copies it onto every record and JsonFormatter writes one JSON object
a line. gunicorn's own loggers use the same formatter (deploy/gunicorn.conf.py): its access
line takes the id from the response's X-Request-ID header.

No line holds a ballot code or a mark: the access line has the method, the path and the
status only (codes are POSTed, never in a URL), and Redact blanks anything in a message that
looks like a ballot code — 16 letters of the codes' alphabet — should one reach a message.
This module imports nothing of Django's, so that gunicorn's master can load it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
from typing import Any

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("pingyi_request_id", default="")

# A ballot code: 16 characters of pingyi.voting.codes' alphabet, possibly typed in groups.
_LETTER = "[2-9A-HJKMNP-Za-hjkmnp-z]"
_CODE = re.compile(rf"(?<![A-Za-z0-9]){_LETTER}(?:[ -]?{_LETTER}){{15}}(?![A-Za-z0-9])")
_ACCESS_ID = "{x-request-id}o"


def redact(text: str) -> str:
    return _CODE.sub("[redacted]", text)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (empty outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            found = request_id.get()
            if not found and record.name == "gunicorn.access" and isinstance(record.args, dict):
                found = str(record.args.get(_ACCESS_ID, "") or "")
                found = "" if found == "-" else found
            record.request_id = found
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created))
            + f".{int(record.msecs):03d}"
            + time.strftime("%z", time.localtime(record.created)),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", "") or request_id.get(),
            "pid": record.process,
        }
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


def logging_config(level: str = "WARNING") -> dict[str, Any]:
    """Django's LOGGING (and gunicorn's logconfig_dict): JSON lines on standard error."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "pingyi.logs.RequestIdFilter"}},
        "formatters": {"json": {"()": "pingyi.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "json",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "pingyi": {"level": "INFO"},
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
