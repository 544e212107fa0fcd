"""Log records as one JSON line each, carrying no personal data.

Only the fields listed in SAFE_FIELDS leave a record: a stray `extra` with
a username or a request body is dropped rather than written. JSON also
escapes newlines, so a crafted value cannot forge a log line.
"""

import json
import logging
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
            entry["path"] = request.path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
