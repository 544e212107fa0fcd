from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _


class Session(AbstractBaseSession):
    """A session, with the account signed in to it, if any.

    Deleting an account deletes its sessions on every device, so that no
    session row is left holding the id of someone who asked to be forgotten.
    """

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="+",
        # Django deletes the sessions with the account; without a constraint
        # in the database, a session saved while its account is deleted is
        # left pointing nowhere (and signs nobody in) instead of failing.
        db_constraint=False,
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        from .session_store import SessionStore

        return SessionStore
