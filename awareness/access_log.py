"""gunicorn's access log, without personal data.

An access log line shows the client's network (never the full address, which
is personal information), the method, the path without its query string (a
search can be personal), the status, the size and the time taken. Password
reset links carry a secret token in their path, so it is blanked out.
"""

from gunicorn.glogging import Logger

from .addresses import network
from .logs import redact


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["h"] = network(atoms["h"])
        atoms["U"] = redact(atoms["U"] or "")
        # Nothing below may reach a line even if the format asked for it.
        for name in ("r", "q", "u", "f", "a"):
            atoms[name] = "-"
        # Request and response headers and the WSGI environ: cookies and more.
        for name in [name for name in atoms if name[-2:] in ("}i", "}o", "}e")]:
            del atoms[name]
        return atoms
