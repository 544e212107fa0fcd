from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from awareness.admin import ContentAdmin
from awareness.admin_widgets import SafeAutocompleteAdminMixin

from .models import Attempt, Choice, Question, Quiz


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = ("order", "key", "kind", "topic", "prompt")
    show_change_link = True


@admin.register(Quiz)
class QuizAdmin(ContentAdmin):
    list_display = ("order", *ContentAdmin.list_display)
    list_display_links = ("title",)
    search_fields = ("title", "summary", "questions__prompt")
    inlines = (QuestionInline,)
    fieldsets = (
        (None, {"fields": ("order", "title", "slug", "summary")}),
        (
            _("How it runs"),
            {
                "fields": (
                    "feedback",
                    "pass_mark",
                    "shuffle_questions",
                    "shuffle_choices",
                    "draw",
                )
            },
        ),
        ContentAdmin.sourcing_fieldset,
        ContentAdmin.publishing_fieldset,
    )


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ("order", "text", "is_correct", "explanation")


@admin.register(Question)
class QuestionAdmin(SafeAutocompleteAdminMixin, admin.ModelAdmin):
    list_display = ("prompt", "quiz", "kind", "topic", "order")
    list_filter = ("quiz", "kind", "topic")
    search_fields = ("prompt", "key", "body", "choices__text", "quiz__title")
    autocomplete_fields = ("case_study", "tip")
    list_select_related = ("quiz",)
    inlines = (ChoiceInline,)
    fieldsets = (
        (None, {"fields": ("quiz", "order", "key", "kind", "topic", "prompt")}),
        (
            _("Mock message"),
            {"fields": ("channel", "sender", "body", "is_scam")},
        ),
        (
            _("Teaching"),
            {"fields": ("explanation", "case_study", "tip", "source")},
        ),
    )


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("quiz", "started_at", "completed_at", "score", "language")
    list_filter = ("quiz", "language")
    date_hierarchy = "started_at"
    # Learners' answers are theirs: staff see aggregates, not who answered.
    fields = ("quiz", "started_at", "completed_at", "score", "language")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
