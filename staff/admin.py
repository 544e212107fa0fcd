from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from awareness.validators import editorial_date


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """The audit trail: who changed what in the admin, and when. Read-only."""

    list_display = (
        "action_time",
        "user",
        "content_type",
        "object_link",
        "action_flag",
        "change",
    )
    list_filter = (
        "action_flag",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        # Only people who made changes, never the list of every account.
        ("user", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("object_repr", "change_message", "user__username")
    date_hierarchy = "action_time"
    list_select_related = ("user", "content_type")
    fields = (
        "action_time",
        "user",
        "content_type",
        "object_id",
        "object_repr",
        "action_flag",
        "change",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        """Show each person only the changes to things they may look at."""
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        visible = [
            content_type.pk
            for content_type in ContentType.objects.all()
            if request.user.has_perm(
                f"{content_type.app_label}.view_{content_type.model}"
            )
            or request.user.has_perm(
                f"{content_type.app_label}.change_{content_type.model}"
            )
        ]
        return queryset.filter(content_type__in=visible)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("object"), ordering="object_repr")
    def object_link(self, entry):
        url = None if entry.is_deletion() else entry.get_admin_url()
        if not url:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)

    @admin.display(description=_("what changed"))
    def change(self, entry):
        return entry.get_change_message()


class StaffUserAdmin(UserAdmin):
    """Django's user admin, with the dates PostgreSQL can read back.

    Content models carry the range on their fields; Django's user model
    cannot, so its form does: a sign-up date in year 1 would be stored BC
    and break the list of users.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateField) and field is not None:
            field.validators.append(editorial_date)
        return field


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), StaffUserAdmin)
