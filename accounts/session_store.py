"""Django's database sessions, each row noting the account signed in to it.

settings.SESSION_ENGINE names this module; see accounts.models.Session.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.account_id = data.get(SESSION_KEY)
        return instance
