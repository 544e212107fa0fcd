from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext

from awareness.admin import TranslatedAdmin, side_by_side

from . import statistics
from .models import Track, TrackQuiz


class TrackQuizInline(admin.TabularInline):
    model = TrackQuiz
    extra = 0
    fields = ("position", "quiz")
    autocomplete_fields = ("quiz",)


@admin.register(Track)
class TrackAdmin(TranslatedAdmin):
    list_display = ("position", "title", "slug", "is_published", "zh_hans_status")
    list_display_links = ("title",)
    list_filter = ("is_published",)
    search_fields = ("slug", "title")
    inlines = (TrackQuizInline,)
    fieldsets = (
        (None, {"fields": ("position", *side_by_side("title"), "slug")}),
        (None, {"fields": (*side_by_side("summary"), "is_published")}),
        TranslatedAdmin.translation_fieldset,
    )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "can_view_statistics": request.user.has_perm(
                "tracks.view_track_statistics"
            ),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name="tracks_track_statistics",
            ),
            *super().get_urls(),
        ]

    def statistics_view(self, request):
        """Gain, retention and discernment per track and language."""
        if not request.user.has_perm("tracks.view_track_statistics"):
            raise PermissionDenied
        names = dict(settings.LANGUAGES)
        reports = []
        for track in Track.objects.all():
            groups, total = statistics.track_report(track)
            for group in groups:
                group.name = names.get(group.language) or gettext("Not recorded")
            reports.append({"track": track, "groups": groups, "total": total})
        return render(
            request,
            "admin/tracks/track/statistics.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Track statistics"),
                "reports": reports,
                "min_learners": statistics.MIN_LEARNERS,
                "few_learners": statistics.FEW_ATTEMPTS,
            },
        )
