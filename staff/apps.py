from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    default = True
    name = "staff"
    verbose_name = _("Staff")


class StaffAdminConfig(admin_apps.AdminConfig):
    """The admin, served by the site that adds the dashboard."""

    default = False
    default_site = "staff.sites.StaffAdminSite"
