"""Staff pages reached from the quiz and question admin: preview, statistics,
export and import. The ModelAdmins route to these and pass themselves in, so
that permissions follow the admin's own rules."""

import io
import zipfile
from dataclasses import dataclass

import reversion
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.http import require_GET

from . import confidence as certainty, portability, report_tables, statistics
from .forms import AnswerForm
from .models import Choice, Question, count_cues


@dataclass(frozen=True)
class PreviewAnswer:
    """An answer graded in memory, shaped like Answer for the templates."""

    question: Question
    chosen: frozenset
    mark: float
    confidence: int | None = None

    is_answered = True

    @property
    def is_correct(self):
        return self.mark == 1.0

    @property
    def is_confidently_wrong(self):
        return certainty.is_confidently_wrong(self.confidence, self.mark)

    def get_confidence_display(self):
        return certainty.Confidence(self.confidence).label if self.confidence else ""

    def cues(self):
        return count_cues(self.question.choices.all(), self.chosen)


def get_viewable(request, model_admin, object_id, queryset):
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404
    if not model_admin.has_view_permission(request, obj):
        raise PermissionDenied
    # Reload with what the page needs in as few queries as possible.
    return queryset.get(pk=obj.pk)


@require_GET
def question_preview(request, model_admin, object_id):
    """Show a question exactly as learners get it, and grade a try in memory.

    The form is sent back here with GET, and nothing is written: no attempt,
    answer, review item or session key.
    """
    question = get_viewable(
        request,
        model_admin,
        object_id,
        Question.objects.select_related(
            "quiz", "case_study", "tip", "guide", "chain_link"
        ).prefetch_related("choices"),
    )
    choices = list(question.choices.all())
    checking = "check" in request.GET
    form = AnswerForm(question, choices, data=request.GET if checking else None)
    answer = None
    if checking and form.is_valid():
        chosen = frozenset(form.selected_choices())
        answer = PreviewAnswer(
            question, chosen, question.grade(chosen), form.chosen_confidence()
        )
    return render(
        request,
        "quizzes/question_preview.html",
        {
            "question": question,
            "choices": choices,
            "form": None if answer else form,
            "answer": answer,
            "chosen": answer.chosen if answer else set(),
            "show_feedback": True,
            "admin_url": reverse("admin:quizzes_question_change", args=[question.pk]),
            "quiz_preview_url": reverse(
                "admin:quizzes_quiz_preview", args=[question.quiz_id]
            ),
        },
        status=400 if checking and answer is None else 200,
    )


@require_GET
def quiz_preview(request, model_admin, object_id):
    """Show every question of a quiz, drafts marked, as learners get them."""
    quiz = get_viewable(
        request,
        model_admin,
        object_id,
        model_admin.model.objects.prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.prefetch_related(
                    Prefetch("choices", queryset=Choice.objects.all())
                ),
            )
        ),
    )
    items = []
    for question in quiz.questions.all():
        choices = list(question.choices.all())
        items.append(
            {
                "question": question,
                "form": AnswerForm(question, choices, auto_id=f"q{question.pk}-%s"),
                "url": reverse("admin:quizzes_question_preview", args=[question.pk]),
            }
        )
    return render(
        request,
        "quizzes/quiz_preview.html",
        {
            "quiz": quiz,
            "items": items,
            "published_count": sum(i["question"].is_published for i in items),
            "admin_url": reverse("admin:quizzes_quiz_change", args=[quiz.pk]),
        },
    )


@require_GET
def quiz_statistics(request, model_admin, object_id):
    """Item analysis of a quiz, for staff allowed to read statistics."""
    if not request.user.has_perm("quizzes.view_quiz_statistics"):
        raise PermissionDenied
    quiz = model_admin.get_object(request, unquote(object_id))
    if quiz is None:
        raise Http404
    mode = request.GET.get("attempts")
    if mode not in (statistics.FIRST, statistics.ALL):
        mode = statistics.FIRST
    languages = statistics.languages_of(quiz)
    chosen = request.GET.get("language", "all")
    language = {LANGUAGE_NOT_RECORDED: ""}.get(chosen, chosen)
    if language not in languages:
        chosen, language = "all", None
    questions = list(
        Question.objects.filter(quiz=quiz).prefetch_related(
            Prefetch("choices", queryset=Choice.objects.all())
        )
    )
    report = statistics.quiz_report(quiz, questions, mode=mode, language=language)
    names = dict(settings.LANGUAGES)
    tables = (
        []
        if report.suppressed
        else report_tables.build(report, questions, language_names=names)
    )
    wanted = request.GET.get("export")
    if wanted:
        table = next((t for t in tables if t.name == wanted), None)
        if table is None:
            raise Http404("No such table.")
        suffix = "" if language is None else f"-{chosen}"
        return report_tables.csv_response(
            table, f"{quiz.slug}-{table.name}-{mode}{suffix}.csv"
        )
    query = request.GET.copy()
    query.pop("export", None)
    if tables:
        tables[0].chart = _funnel_bars(report)
    return render(
        request,
        "admin/quizzes/quiz/statistics.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": gettext("Statistics: %(quiz)s") % {"quiz": quiz},
            "quiz": quiz,
            "original": quiz,
            "report": report,
            "tables": tables,
            "mode": mode,
            "language": chosen,
            "language_choices": [
                (
                    LANGUAGE_NOT_RECORDED if code == "" else code,
                    report_tables.language_label(code, names),
                )
                for code in languages
            ],
            "query": query.urlencode(),
            "min_learners": statistics.MIN_LEARNERS,
            "few_attempts": statistics.FEW_ATTEMPTS,
        },
    )


# The language filter's value for attempts whose language was not recorded.
LANGUAGE_NOT_RECORDED = "none"


def _funnel_bars(report):
    return report_tables.bar_chart(report_tables.funnel_stages(report))


def export_download(quizzes):
    """Return one quiz as a JSON download, or several as a zip of such files."""
    quizzes = list(quizzes)
    if len(quizzes) == 1:
        response = HttpResponse(
            portability.dumps(quizzes[0]), content_type="application/json"
        )
        name = portability.filename(quizzes[0])
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for quiz in quizzes:
                archive.writestr(portability.filename(quiz), portability.dumps(quiz))
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        name = f"quizzes-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files, as Django's docs show."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f] or [None]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ImportForm(forms.Form):
    # A quiz file is a few tens of kilobytes; this leaves ample room.
    MAX_BYTES = 1024 * 1024
    MAX_FILES = 50

    files = MultipleFileField(
        label=_("Quiz files (.json)"),
        widget=MultipleFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > self.MAX_FILES:
            raise ValidationError(
                _("Import at most %(n)d files at a time.") % {"n": self.MAX_FILES}
            )
        texts = []
        for upload in uploads:
            if upload.size > self.MAX_BYTES:
                raise ValidationError(
                    _("%(name)s is larger than 1 MB; a quiz file is far smaller.")
                    % {"name": upload.name}
                )
            try:
                texts.append((upload.name, upload.read().decode("utf-8")))
            except UnicodeDecodeError:
                raise ValidationError(
                    _("%(name)s is not UTF-8 text.") % {"name": upload.name}
                ) from None
        return texts


def quiz_import(request, model_admin):
    """Import quiz files: all are checked first, and a bad one changes nothing."""
    if not all(
        request.user.has_perm(f"quizzes.{action}_{model}")
        for action in ("add", "change")
        for model in ("quiz", "question", "choice")
    ):
        raise PermissionDenied
    problems = []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            files = form.cleaned_data["files"]
            try:
                with reversion.create_revision():
                    reversion.set_user(request.user)
                    results = portability.import_files(files)
                    reversion.set_comment(gettext("Imported from a file."))
                    for quiz, created in results:
                        log = (
                            model_admin.log_addition
                            if created
                            else model_admin.log_change
                        )
                        log(request, quiz, gettext("Imported from a file."))
            except portability.InvalidQuizFile as error:
                problems = error.problems
            else:
                created = sum(1 for _quiz, new in results if new)
                messages.success(
                    request,
                    gettext(
                        "Imported %(n)d quizzes: %(created)d new, %(updated)d updated."
                    )
                    % {
                        "n": len(results),
                        "created": created,
                        "updated": len(results) - created,
                    },
                )
                return redirect("admin:quizzes_quiz_changelist")
    else:
        form = ImportForm()
    return render(
        request,
        "admin/quizzes/quiz/import.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": gettext("Import quizzes"),
            "form": form,
            "problems": problems,
            "max_bytes": ImportForm.MAX_BYTES,
        },
        status=400 if request.method == "POST" else 200,
    )
