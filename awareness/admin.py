from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _, ngettext

from .models import (
    CaseStudy,
    ChainLink,
    ChainRole,
    Guide,
    KeyFigure,
    PrecautionTip,
    Source,
)


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return (
            ("live", _("Live")),
            ("scheduled", _("Scheduled")),
            ("draft", _("Draft")),
        )

    def queryset(self, request, queryset):
        live = queryset.published()
        if self.value() == "live":
            return live
        if self.value() == "scheduled":
            return queryset.filter(is_published=True).exclude(pk__in=live)
        if self.value() == "draft":
            return queryset.filter(is_published=False)
        return queryset


class ContentAdmin(admin.ModelAdmin):
    """Shared admin for editorial content: drafts, scheduling, sources."""

    list_display = ("title", "status", "published_at", "last_verified", "updated_at")
    list_filter = (StatusFilter, "last_verified")
    search_fields = ("title", "summary")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    filter_horizontal = ("sources",)
    actions = ("publish", "unpublish")
    readonly_fields = ("created_at", "updated_at")
    publishing_fieldset = (
        _("Publishing"),
        {"fields": ("is_published", "published_at", "created_at", "updated_at")},
    )
    sourcing_fieldset = (_("Sources"), {"fields": ("sources", "last_verified")})

    @admin.display(description=_("status"))
    def status(self, obj):
        if not obj.is_published:
            return _("Draft")
        return _("Live") if obj.is_public() else _("Scheduled")

    @admin.action(description=_("Publish the selected items"))
    def publish(self, request, queryset):
        count = queryset.update(is_published=True)
        self.message_user(
            request,
            ngettext("%d item published.", "%d items published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected items"))
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        self.message_user(
            request,
            ngettext("%d item unpublished.", "%d items unpublished.", count) % count,
            messages.SUCCESS,
        )


class ChainRoleInline(admin.TabularInline):
    model = ChainRole
    extra = 0
    fields = ("order", "link", "position", "actor", "action")


class LinkRoleInline(admin.TabularInline):
    """The roles from every case that sit on this link, edited with the case."""

    model = ChainRole
    extra = 0
    fields = ("case_study", "position", "actor")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj):
        return False


class KeyFigureInline(admin.TabularInline):
    model = KeyFigure
    extra = 0
    fields = ("order", "value", "label", "basis", "source")


@admin.register(CaseStudy)
class CaseStudyAdmin(ContentAdmin):
    list_display = ("number", *ContentAdmin.list_display)
    list_display_links = ("title",)
    search_fields = ("title", "summary", "story", "takeaway")
    filter_horizontal = ("sources", "tips")
    inlines = (KeyFigureInline, ChainRoleInline)
    fieldsets = (
        (None, {"fields": ("number", "title", "slug", "summary")}),
        (
            _("The case"),
            {"fields": ("story", "warning_signs", "police_action", "takeaway")},
        ),
        (_("Links"), {"fields": ("tips",)}),
        ContentAdmin.sourcing_fieldset,
        ContentAdmin.publishing_fieldset,
    )


@admin.register(PrecautionTip)
class PrecautionTipAdmin(ContentAdmin):
    list_display = ("number", *ContentAdmin.list_display, "case_count")
    list_display_links = ("title",)
    search_fields = ("title", "summary", "why_it_matters", "what_to_do")
    fieldsets = (
        (None, {"fields": ("number", "title", "slug", "summary")}),
        (_("Advice"), {"fields": ("why_it_matters", "what_to_do", "editor_note")}),
        ContentAdmin.sourcing_fieldset,
        ContentAdmin.publishing_fieldset,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("case_studies")

    @admin.display(description=_("cases it prevents"))
    def case_count(self, obj):
        return len(obj.case_studies.all())


@admin.register(ChainLink)
class ChainLinkAdmin(ContentAdmin):
    list_display = ("order", *ContentAdmin.list_display)
    list_display_links = ("title",)
    search_fields = ("title", "summary", "body")
    inlines = (LinkRoleInline,)
    fieldsets = (
        (None, {"fields": ("order", "title", "slug", "summary", "body")}),
        ContentAdmin.sourcing_fieldset,
        ContentAdmin.publishing_fieldset,
    )


@admin.register(Guide)
class GuideAdmin(ContentAdmin):
    search_fields = ("title", "summary", "body")
    fieldsets = (
        (None, {"fields": ("order", "title", "slug", "summary", "body")}),
        ContentAdmin.sourcing_fieldset,
        ContentAdmin.publishing_fieldset,
    )


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "published_on", "order")
    list_editable = ("order",)
    search_fields = ("title", "publisher", "author", "note")
    list_filter = ("publisher",)
    prepopulated_fields = {"slug": ("title",)}
    # Django 6 makes https the default scheme; opt in now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
