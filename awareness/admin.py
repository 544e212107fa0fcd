import reversion
from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy as _, ngettext
from reversion.admin import VersionAdmin

from .models import (
    CaseStudy,
    ChainLink,
    ChainRole,
    Guide,
    KeyFigure,
    PrecautionTip,
    Source,
)

# Content history. A case's figures and roles are part of it, so restoring a
# case restores them too; a chain link stands alone, since the roles on it
# belong to the cases.
reversion.register(KeyFigure)
reversion.register(ChainRole)
reversion.register(CaseStudy, follow=("figures", "roles"))
for model in (PrecautionTip, ChainLink, Guide, Source):
    reversion.register(model)


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


class EditorialActions:
    """Bulk publish, unpublish and "verified today", each logged per item.

    Items are saved one by one, not with a bulk update, so that every change
    lands in the audit trail and in the item's history.
    """

    actions = ("publish", "unpublish", "mark_verified")

    def publish_problems(self, obj):
        """Return why this item cannot be published; none by default."""
        return []

    def unpublish_problems(self, obj):
        """Return why this item cannot be unpublished; none by default."""
        return []

    def _update_each(self, request, queryset, field, value, check):
        done, refused = 0, []
        label = str(capfirst(self.model._meta.get_field(field).verbose_name))
        for item in queryset:
            problems = check(item)
            if problems:
                refused.append(f"{item}: {' '.join(map(str, problems))}")
                continue
            setattr(item, field, value)
            item.save()
            self.log_change(request, item, [{"changed": {"fields": [label]}}])
            done += 1
        for reason in refused:
            self.message_user(request, reason, messages.ERROR)
        return done

    @admin.action(description=_("Publish the selected items"), permissions=("change",))
    def publish(self, request, queryset):
        count = self._update_each(
            request,
            queryset.filter(is_published=False),
            "is_published",
            True,
            self.publish_problems,
        )
        self.message_user(
            request,
            ngettext("%d item published.", "%d items published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unpublish the selected items"), permissions=("change",)
    )
    def unpublish(self, request, queryset):
        count = self._update_each(
            request,
            queryset.filter(is_published=True),
            "is_published",
            False,
            self.unpublish_problems,
        )
        self.message_user(
            request,
            ngettext("%d item unpublished.", "%d items unpublished.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Mark the selected items as verified today"),
        permissions=("change",),
    )
    def mark_verified(self, request, queryset):
        count = self._update_each(
            request,
            queryset,
            "last_verified",
            timezone.localdate(),
            lambda item: [],
        )
        self.message_user(
            request,
            ngettext(
                "%d item marked as verified today.",
                "%d items marked as verified today.",
                count,
            )
            % count,
            messages.SUCCESS,
        )


class ContentAdmin(EditorialActions, VersionAdmin):
    """Shared admin for editorial content: drafts, scheduling, sources, history."""

    list_display = ("title", "status", "published_at", "last_verified", "updated_at")
    list_filter = (StatusFilter, "last_verified")
    search_fields = ("title", "summary")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    filter_horizontal = ("sources",)
    readonly_fields = ("created_at", "updated_at")
    history_latest_first = True
    publishing_fieldset = (
        _("Publishing"),
        {"fields": ("is_published", "published_at", "created_at", "updated_at")},
    )
    sourcing_fieldset = (_("Sources"), {"fields": ("sources", "last_verified")})

    @admin.display(description=_("status"))
    def status(self, obj):
        if not obj.is_published:
            return gettext("Draft")
        return gettext("Live") if obj.is_public() else gettext("Scheduled")


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
class SourceAdmin(VersionAdmin):
    list_display = ("title", "publisher", "published_on", "order")
    list_editable = ("order",)
    search_fields = ("title", "publisher", "author", "note")
    list_filter = ("publisher",)
    history_latest_first = True
    prepopulated_fields = {"slug": ("title",)}
    # Django 6 makes https the default scheme; opt in now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
