"""Sessions in the cache, kept in the database too (Django's `cached_db`),
that a caller may read ahead of time.

The learner page cache (quizzes.learner_pages) fetches the session's cache
entry in the same round trip as the page it is about to serve, then hands
it over with `prime()`, so that reading the session costs no second trip.
"""

from django.contrib.sessions.backends import cached_db


class SessionStore(cached_db.SessionStore):
    _primed = None

    def prime(self, data):
        """Load the session from `data`, its cache entry as fetched by the
        caller, when it is first read; None reads it as usual."""
        if not self.accessed:
            self._primed = data

    def load(self):
        data, self._primed = self._primed, None
        if data is not None:
            return data
        return super().load()
