import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy as _, ngettext
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from reversion.admin import VersionAdmin

from .languages import language_codes, localized
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


def side_by_side(*fields):
    """Return fieldset rows that show each field in every language in a row."""
    return tuple(
        tuple(localized(field, code) for code in language_codes()) for field in fields
    )


def in_every_language(*fields):
    """Return the columns of the fields in every language, for admin search."""
    return tuple(
        localized(field, code) for field in fields for code in language_codes()
    )


class TranslatedForm(forms.ModelForm):
    def _update_errors(self, errors):
        # A model's clean() names the field ("body"); the form holds one
        # field per language, so the error goes to the English one.
        if hasattr(errors, "error_dict"):
            remapped = {}
            for field, messages in errors.error_dict.items():
                english = localized(field, "en")
                if field not in self.fields and english in self.fields:
                    field = english
                remapped.setdefault(field, []).extend(messages)
            errors = ValidationError(remapped)
        super()._update_errors(errors)

    def _post_clean(self):
        super()._post_clean()
        # Someone who edits the Traditional Chinese writes their own: stop
        # converting it from the Simplified, which would overwrite it.
        if "zh_hant_is_converted" not in self.changed_data and any(
            name.endswith("_zh_hant") for name in self.changed_data
        ):
            self.instance.zh_hant_is_converted = False


class TranslationStatusFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return (
            ("todo", _("Missing or out of date")),
            ("current", _("Up to date")),
        )

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # Options, figures and roles are translated with the item they
        # belong to, so they count towards its status.
        self.children = getattr(model_admin, "translated_children", ())

    def queryset(self, request, queryset):
        todo = models.Q()
        for prefix in ("", *(f"{child}__" for child in self.children)):
            for language in ("zh_hans", "zh_hant"):
                todo |= models.Q(
                    **{f"{prefix}{language}_status__in": ("missing", "stale")}
                )
        needs_work = queryset.filter(todo).values("pk")
        if self.value() == "todo":
            return queryset.filter(pk__in=needs_work)
        if self.value() == "current":
            return queryset.exclude(pk__in=needs_work)
        return queryset


class TranslatedAdmin(TranslationAdmin):
    """An admin that edits every language side by side and tracks translations."""

    form = TranslatedForm

    class Media:
        css = {"all": ("css/admin.css",)}

    translation_fieldset = (
        _("Translation"),
        {
            "fields": ("zh_hant_is_converted",),
            "description": _(
                "Traditional Chinese is converted from the Simplified unless "
                "you write it yourself."
            ),
        },
    )
    actions = ("mark_translations_current",)

    @admin.action(
        description=_("Mark the translations as still matching the English"),
        permissions=("change",),
    )
    def mark_translations_current(self, request, queryset):
        for item in queryset:
            item.mark_translations_current()
            # Also what tells the page cache that the pages changed.
            self.log_change(request, item, [{"changed": {"fields": ["status"]}}])
        self.message_user(
            request,
            _("Translations that were out of date are now marked up to date."),
            messages.SUCCESS,
        )


class TranslatedInlineMixin:
    form = TranslatedForm


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


class ContentAdmin(EditorialActions, VersionAdmin, TranslatedAdmin):
    """Shared admin for editorial content: drafts, scheduling, sources, history,
    and every language side by side."""

    list_display = (
        "title",
        "status",
        "published_at",
        "last_verified",
        "zh_hans_status",
        "zh_hant_status",
    )
    list_filter = (StatusFilter, TranslationStatusFilter, "last_verified")
    search_fields = in_every_language("title", "summary")
    actions = (*EditorialActions.actions, *TranslatedAdmin.actions)
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


class ChainRoleInline(TranslatedInlineMixin, TranslationStackedInline):
    model = ChainRole
    extra = 0
    fields = (("order", "link", "position"), *side_by_side("actor", "action"))


class LinkRoleInline(TranslationTabularInline):
    """The roles from every case that sit on this link, edited with the case."""

    model = ChainRole
    extra = 0
    fields = ("case_study", "position", "actor")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj):
        return False


class KeyFigureInline(TranslatedInlineMixin, TranslationStackedInline):
    model = KeyFigure
    extra = 0
    fields = (("order", "basis", "source"), *side_by_side("value", "label"))


@admin.register(CaseStudy)
class CaseStudyAdmin(ContentAdmin):
    list_display = ("number", *ContentAdmin.list_display)
    list_display_links = ("title",)
    search_fields = in_every_language("title", "summary", "story", "takeaway")
    filter_horizontal = ("sources", "tips")
    inlines = (KeyFigureInline, ChainRoleInline)
    translated_children = ("figures", "roles")
    fieldsets = (
        (None, {"fields": ("number", *side_by_side("title"), "slug")}),
        (None, {"fields": side_by_side("summary")}),
        (
            _("The case"),
            {
                "fields": side_by_side(
                    "story", "warning_signs", "police_action", "takeaway"
                )
            },
        ),
        (_("Easy read"), {"fields": side_by_side("easy_read")}),
        (_("Links"), {"fields": ("tips",)}),
        ContentAdmin.sourcing_fieldset,
        ContentAdmin.publishing_fieldset,
        TranslatedAdmin.translation_fieldset,
    )


@admin.register(PrecautionTip)
class PrecautionTipAdmin(ContentAdmin):
    list_display = ("number", *ContentAdmin.list_display, "case_count")
    list_display_links = ("title",)
    search_fields = in_every_language(
        "title", "summary", "why_it_matters", "what_to_do"
    )
    fieldsets = (
        (None, {"fields": ("number", *side_by_side("title"), "slug")}),
        (None, {"fields": side_by_side("summary")}),
        (
            _("Advice"),
            {"fields": side_by_side("why_it_matters", "what_to_do", "editor_note")},
        ),
        (_("Easy read"), {"fields": side_by_side("easy_read")}),
        ContentAdmin.sourcing_fieldset,
        ContentAdmin.publishing_fieldset,
        TranslatedAdmin.translation_fieldset,
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
    search_fields = in_every_language("title", "summary", "body")
    inlines = (LinkRoleInline,)
    fieldsets = (
        (None, {"fields": ("order", *side_by_side("title"), "slug")}),
        (None, {"fields": side_by_side("summary", "body")}),
        ContentAdmin.sourcing_fieldset,
        ContentAdmin.publishing_fieldset,
        TranslatedAdmin.translation_fieldset,
    )


@admin.register(Guide)
class GuideAdmin(ContentAdmin):
    search_fields = in_every_language("title", "summary", "body")
    fieldsets = (
        (None, {"fields": ("order", *side_by_side("title"), "slug")}),
        (None, {"fields": side_by_side("summary", "body")}),
        ContentAdmin.sourcing_fieldset,
        ContentAdmin.publishing_fieldset,
        TranslatedAdmin.translation_fieldset,
    )


@admin.register(Source)
class SourceAdmin(VersionAdmin, TranslatedAdmin):
    list_display = ("title", "publisher", "published_on", "order", "zh_hans_status")
    list_editable = ("order",)
    search_fields = in_every_language("title", "publisher", "author", "note")
    list_filter = (TranslationStatusFilter, "publisher")
    history_latest_first = True
    fieldsets = (
        (None, {"fields": (*side_by_side("title"), "slug")}),
        (
            None,
            {
                "fields": (
                    *side_by_side("publisher", "author"),
                    "url",
                    "published_on",
                    *side_by_side("note"),
                    "order",
                )
            },
        ),
        TranslatedAdmin.translation_fieldset,
    )
    prepopulated_fields = {"slug": ("title",)}
    # Django 6 makes https the default scheme; opt in now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
