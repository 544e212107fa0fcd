"""Log records as one JSON line each, carrying no personal data.

Only the fields listed in SAFE_FIELDS leave a record: a stray `extra` with
a username or a request body is dropped rather than written. JSON also
escapes newlines, so a crafted value cannot forge a log line.
"""

import json
import logging
import re
from datetime import UTC, datetime

# Extra fields a record may carry; each is safe to write.
SAFE_FIELDS = (
    "event",
    "scope",
    "network",
    "account",
    "user_id",
    "status_code",
    "duration_ms",
    "database",
    "caches",
)


# What a line may quote but must not carry, and what stands in its place: a
# password-reset link's user id and token (a live key to the account, in any
# path or message: a 404, a 500, a redirect), and the values a database error
# quotes from its row (PostgreSQL's DETAIL names the username that was taken).
SECRETS = (
    (re.compile(r"(/password/reset/)[^/\s\"'?]+/[^/\s\"'?]+/?"), r"\1…/…/"),
    # A private review calendar's link, a key to when the learner reviews.
    (re.compile(r"(/review/calendar/)[^/\s\"'?]+"), r"\1…"),
    (
        re.compile(
            r"(Key \(.+?\)=\().*?(\) (?:already exists|is not present|conflicts))"
        ),
        r"\1…\2",
    ),
    (re.compile(r"(Failing row contains \().*(\))"), r"\1…\2"),
)


def redact(text):
    """Return text with reset tokens and quoted row values blanked out."""
    for pattern, replacement in SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Blank out secrets in a record's message and traceback, for any handler.

    Tracebacks are formatted here, once, so that the redacted text is what
    every formatter writes (logging.Formatter reuses record.exc_text).
    """

    def filter(self, record):
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in SAFE_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            # Only the method and path: never the query, cookies or body.
            entry["method"] = request.method
            entry["path"] = redact(request.path)
        if record.exc_text:
            entry["exception"] = record.exc_text
        elif record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
