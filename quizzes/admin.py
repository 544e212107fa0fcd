import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy as _, ngettext
from modeltranslation.admin import TranslationStackedInline
from reversion.admin import VersionAdmin
from reversion.models import Version

from awareness.admin import (
    ContentAdmin,
    EditorialActions,
    TranslatedAdmin,
    TranslatedForm,
    TranslatedInlineMixin,
    TranslationStatusFilter,
    in_every_language,
    side_by_side,
)
from awareness.admin_widgets import SafeAutocompleteAdminMixin
from awareness.languages import language_codes, localized

from . import admin_views
from .models import Attempt, Choice, Question, Quiz

# A question's history holds its options, so restoring a question restores
# them. A quiz's history holds its own fields only: restoring it must never
# delete questions that learners have answered since.
reversion.register(Choice)
reversion.register(Question, follow=("choices",))
reversion.register(Quiz)


def answered_problem(obj):
    return gettext("“%(item)s” has learners' answers; unpublish it instead.") % {
        "item": Truncator(str(obj)).chars(60)
    }


class ChoiceForm(TranslatedForm):
    class Meta:
        model = Choice
        fields = (
            "order",
            *in_every_language("text"),
            "is_correct",
            *in_every_language("explanation"),
            "misconception",
        )
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 2, "cols": 32})
                for name in in_every_language("text", "explanation")
            },
            "order": forms.NumberInput(attrs={"class": "vIntegerField", "min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Red-flag segments are joined into the message, so their spaces count.
        for name in in_every_language("text"):
            if name in self.fields:
                self.fields[name].strip = False


class ChoiceFormSet(BaseInlineFormSet):
    """Checks the options together, against the kind of the question."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        problems = []
        for form in self.deleted_forms:
            choice = form.instance
            if choice.pk and choice.answers.exists():
                problems.append(
                    gettext(
                        "Learners have chosen “%(option)s”, so it cannot be "
                        "deleted; reword it instead."
                    )
                    % {"option": Truncator(choice.text).chars(60)}
                )
        kept = [
            form.instance
            for form in self.forms
            if form not in self.deleted_forms
            and (form.instance.pk or form.has_changed())
        ]
        problems += self.instance.choice_problems(kept)
        if problems:
            raise ValidationError(problems)


class ChoiceInline(TranslatedInlineMixin, TranslationStackedInline):
    model = Choice
    form = ChoiceForm
    formset = ChoiceFormSet
    extra = 0
    min_num = 2
    fields = (
        ("order", "is_correct", "misconception"),
        *side_by_side("text", "explanation"),
    )


class QuestionForm(TranslatedForm):
    class Meta:
        model = Question
        fields = "__all__"
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in in_every_language("prompt")
            },
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in in_every_language("body")
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "skill" in self.fields:
            self.fields["skill"].required = True

    def clean(self):
        cleaned = super().clean()
        # self.instance still holds the saved values here.
        old = self.instance
        if old.pk and old.is_published:
            quiz = Quiz.objects.get(pk=old.quiz_id)
            leaving = not cleaned.get("is_published") or (
                cleaned.get("quiz") and cleaned["quiz"].pk != quiz.pk
            )
            if leaving and quiz.is_published and quiz.publish_problems(without=old):
                raise ValidationError(
                    gettext(
                        "“%(quiz)s” is published and this is its only published "
                        "question. Publish another question first, or unpublish "
                        "the quiz."
                    )
                    % {"quiz": quiz}
                )
        return cleaned


@admin.register(Question)
class QuestionAdmin(
    SafeAutocompleteAdminMixin, EditorialActions, VersionAdmin, TranslatedAdmin
):
    form = QuestionForm
    list_display = (
        "short_prompt",
        "quiz",
        "kind",
        "topic",
        "family",
        "status",
        "last_verified",
        "order",
        "zh_hans_status",
        "zh_hant_status",
    )
    list_filter = (
        "is_published",
        TranslationStatusFilter,
        "kind",
        "skill",
        "channel",
        "topic",
        "quiz",
        "last_verified",
    )
    search_fields = (
        "key",
        "family",
        "choices__misconception",
        *in_every_language(
            "prompt",
            "sender",
            "body",
            "explanation",
            "choices__text",
            "quiz__title",
            "case_study__title",
            "tip__title",
            "source__title",
        ),
    )
    translated_children = ("choices",)
    autocomplete_fields = ("case_study", "tip", "guide", "chain_link", "source")
    list_select_related = ("quiz",)
    prepopulated_fields = {"key": ("prompt",)}
    inlines = (ChoiceInline,)
    actions = (*EditorialActions.actions, "duplicate", *TranslatedAdmin.actions)
    history_latest_first = True
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "quiz",
                    "order",
                    "key",
                    "kind",
                    "skill",
                    "topic",
                    ("family", "variants"),
                    *side_by_side("prompt"),
                )
            },
        ),
        (
            _("Mock message"),
            {
                "fields": (
                    "channel",
                    *side_by_side("sender", "subject", "sent_at", "details", "body"),
                    "is_scam",
                ),
                "description": _(
                    "A question with a channel shows its message as a mock-up of "
                    "that screen; scam-or-legit and red-flag questions need one. "
                    "A scam-or-legit question asks for the verdict; a red-flag "
                    "question builds the message from its options, in order, and "
                    "learners mark the red flags on it (a message with no red "
                    "flag is answered by “nothing here looks suspicious”)."
                ),
            },
        ),
        (
            _("Teaching"),
            {
                "fields": (
                    *side_by_side("explanation"),
                    "case_study",
                    "tip",
                    "guide",
                    "chain_link",
                )
            },
        ),
        (_("Sources"), {"fields": ("source", "last_verified")}),
        (_("Publishing"), {"fields": ("is_published",)}),
        TranslatedAdmin.translation_fieldset,
    )

    readonly_fields = ("variants",)

    @admin.display(description=_("other variants"))
    def variants(self, obj):
        if not obj.pk or not obj.family:
            return "—"
        others = Question.objects.filter(family=obj.family).exclude(pk=obj.pk)
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:quizzes_question_change", args=[other.pk]),
                    Truncator(other.prompt).chars(70),
                    other.get_channel_display() or other.get_kind_display(),
                )
                for other in others.only("pk", "prompt", "channel", "kind")
            ),
        ) or gettext("None yet: write another variant that tests the same cue.")

    @admin.display(description=_("question"), ordering="prompt")
    def short_prompt(self, obj):
        return Truncator(obj.prompt).chars(90)

    @admin.display(description=_("status"), ordering="is_published")
    def status(self, obj):
        return gettext("Published") if obj.is_published else gettext("Draft")

    def unpublish_problems(self, obj):
        if obj.quiz.is_published:
            return obj.quiz.publish_problems(without=obj)
        return []

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        question = form.instance
        if question.kind == Question.Kind.RED_FLAGS:
            choices = list(question.choices.all())
            changed = []
            for code in language_codes():
                column = localized("body", code)
                text = localized("text", code)
                body = "".join(getattr(choice, text) or "" for choice in choices)
                if body != (getattr(question, column) or ""):
                    setattr(question, column, body)
                    changed.append(column)
            if changed:
                question.save(update_fields=changed)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        for question in objs:
            if question.answers.exists():
                protected.append(answered_problem(question))
            elif question.is_published and question.quiz.is_published:
                protected += question.quiz.publish_problems(without=question)
        return deleted, counts, perms_needed, protected

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            version = get_object_or_404(
                Version, pk=version_id, object_id=unquote(object_id)
            )
            kept = version.revision.version_set.filter(
                content_type=ContentType.objects.get_for_model(Choice)
            ).values_list("object_id", flat=True)
            lost = Choice.objects.filter(
                question_id=version.object_id, answers__isnull=False
            ).exclude(pk__in=[int(pk) for pk in kept])
            if lost.exists():
                messages.error(
                    request,
                    gettext(
                        "This version lacks options that learners have chosen "
                        "since; restoring it would erase their answers. Copy "
                        "what you need from it by hand instead."
                    ),
                )
                return redirect(
                    "admin:quizzes_question_history", quote(version.object_id)
                )
        return super().revision_view(request, object_id, version_id, extra_context)

    @admin.action(
        description=_("Duplicate the selected questions as drafts"),
        permissions=("add",),
    )
    def duplicate(self, request, queryset):
        for question in queryset:
            copy = question.duplicate()
            self.log_addition(
                request,
                copy,
                gettext("Duplicated from “%(key)s”.") % {"key": question.key},
            )
        self.message_user(
            request,
            ngettext(
                "%d question duplicated as a draft.",
                "%d questions duplicated as drafts.",
                len(queryset),
            )
            % len(queryset),
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="quizzes_question_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        return admin_views.question_preview(request, self, object_id)


class FirstQuestionsFormSet(BaseInlineFormSet):
    """The first questions only, so that saving a long quiz stays inside
    DATA_UPLOAD_MAX_NUMBER_FIELDS (each row posts three fields); the quiz
    page links to the list of all of them."""

    LIMIT = 200

    def get_queryset(self):
        if not hasattr(self, "_first"):
            self._first = super().get_queryset()[: self.LIMIT]
        return self._first


class QuestionInline(admin.TabularInline):
    """The quiz's questions in order; each is written on its own page."""

    model = Question
    formset = FirstQuestionsFormSet
    extra = 0
    fields = ("order", "short_prompt", "kind", "topic", "is_published")
    readonly_fields = ("short_prompt", "kind", "topic", "is_published")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj):
        return False

    @admin.display(description=_("question"))
    def short_prompt(self, obj):
        return Truncator(obj.prompt).chars(90)


class QuizForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_published"):
            problems = self.instance.publish_problems()
            if problems:
                self.add_error(
                    "is_published",
                    [
                        *problems,
                        gettext("Save it as a draft, add and publish questions."),
                    ],
                )
        return cleaned


@admin.register(Quiz)
class QuizAdmin(ContentAdmin):
    form = QuizForm
    list_display = ("order", *ContentAdmin.list_display, "question_links")
    list_display_links = ("title",)
    search_fields = (
        "slug",
        "questions__key",
        *in_every_language("title", "summary", "questions__prompt"),
    )
    inlines = (QuestionInline,)
    readonly_fields = (*ContentAdmin.readonly_fields, "all_questions")
    actions = (*ContentAdmin.actions, "duplicate", "export_json")
    change_list_template = "admin/quizzes/quiz/change_list.html"
    fieldsets = (
        (None, {"fields": ("order", *side_by_side("title"), "slug")}),
        (None, {"fields": (*side_by_side("summary"), "all_questions")}),
        (
            _("How it runs"),
            {
                "fields": (
                    "feedback",
                    "pass_mark",
                    "shuffle_questions",
                    "shuffle_choices",
                    "draw",
                    "certainty_based_marking",
                )
            },
        ),
        ContentAdmin.sourcing_fieldset,
        ContentAdmin.publishing_fieldset,
        TranslatedAdmin.translation_fieldset,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_question_count()

    @admin.display(description=_("published questions"))
    def question_links(self, obj):
        url = reverse("admin:quizzes_question_changelist")
        return format_html(
            '<a href="{}?quiz__id__exact={}">{}</a>', url, obj.pk, obj.question_count
        )

    @admin.display(description=_("questions"))
    def all_questions(self, obj):
        if obj is None or obj.pk is None:
            return ""
        count = obj.questions.count()
        url = reverse("admin:quizzes_question_changelist")
        return format_html(
            '<a href="{}?quiz__id__exact={}">{}</a>',
            url,
            obj.pk,
            ngettext(
                "List all %(count)d question", "List all %(count)d questions", count
            )
            % {"count": count},
        )

    def publish_problems(self, obj):
        return obj.publish_problems()

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        for quiz in objs:
            if quiz.attempts.exists():
                protected.append(answered_problem(quiz))
        return deleted, counts, perms_needed, protected

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            "can_view_statistics": request.user.has_perm(
                "quizzes.view_quiz_statistics"
            ),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(
        description=_("Duplicate the selected quizzes as drafts"),
        permissions=("add",),
    )
    def duplicate(self, request, queryset):
        for quiz in queryset:
            copy = quiz.duplicate()
            message = gettext("Duplicated from “%(slug)s”.") % {"slug": quiz.slug}
            self.log_addition(request, copy, message)
            for question in copy.questions.all():
                self.log_addition(request, question, message)
        self.message_user(
            request,
            ngettext(
                "%d quiz duplicated as a draft.",
                "%d quizzes duplicated as drafts.",
                len(queryset),
            )
            % len(queryset),
            messages.SUCCESS,
        )

    @admin.action(description=_("Export the selected quizzes as JSON"))
    def export_json(self, request, queryset):
        return admin_views.export_download(queryset)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="quizzes_quiz_import"),
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="quizzes_quiz_preview",
            ),
            path(
                "<path:object_id>/statistics/",
                view(self.statistics_view),
                name="quizzes_quiz_statistics",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        return admin_views.quiz_preview(request, self, object_id)

    def statistics_view(self, request, object_id):
        return admin_views.quiz_statistics(request, self, object_id)

    def import_view(self, request):
        return admin_views.quiz_import(request, self)


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Single attempts, for staff allowed to see an individual's progress."""

    list_display = ("quiz", "started_at", "completed_at", "score", "language")
    list_filter = ("quiz", "language")
    list_select_related = ("quiz",)
    date_hierarchy = "started_at"
    # Learners' answers are theirs: even these staff see no names here.
    fields = ("quiz", "started_at", "completed_at", "score", "language", "result")
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.has_perm("quizzes.view_learner_progress") and (
            super().has_module_permission(request)
        )

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("quizzes.view_learner_progress") and (
            super().has_view_permission(request, obj)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("result page"))
    def result(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.title)
