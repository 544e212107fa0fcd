from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _


class StaffAdminSite(admin.AdminSite):
    """The admin with a dashboard on its home page and a list of stale content."""

    site_header = _("Guard Your Info: staff")
    site_title = _("Guard Your Info staff")
    index_title = _("Dashboard")

    def index(self, request, extra_context=None):
        from . import dashboard

        extra_context = {
            "dashboard": dashboard.for_user(request.user),
            **(extra_context or {}),
        }
        return super().index(request, extra_context)

    def get_urls(self):
        from . import views

        return [
            path("stale/", self.admin_view(views.stale_content), name="stale_content"),
            *super().get_urls(),
        ]
