from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


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
