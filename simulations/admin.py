"""Staff write simulations here: the simulation with its steps and endings,
then each step with its choices on the step's own page (the admin has no
nested inlines, so the pages link to each other).

A published simulation must stay playable: publishing is refused while its
graph has problems, and so is any later edit that would break it.
"""

import reversion
from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline
from reversion.admin import VersionAdmin

from awareness.admin import (
    ContentAdmin,
    TranslatedAdmin,
    TranslatedForm,
    TranslatedInlineMixin,
    TranslationStatusFilter,
    in_every_language,
    side_by_side,
)
from awareness.admin_widgets import SafeAutocompleteAdminMixin

from . import admin_views, graph
from .models import Choice, Ending, Leak, Simulation, Step, split_leaks

# As for quizzes: a step's history holds its choices, so restoring a step
# restores them; a simulation's history holds its own fields only, so that
# restoring it never deletes steps that learners have played since.
reversion.register(Choice)
reversion.register(Step, follow=("choices",))
reversion.register(Ending)
reversion.register(Simulation)


def played_problem(obj):
    return gettext("“%(item)s” has learners' runs; unpublish it instead.") % {
        "item": Truncator(str(obj)).chars(60)
    }


def saved_graph(simulation):
    """Return the saved graph as graph.problems() takes it, with two queries.

    Returns (start key, {step pk: (key, [Edge])}, {ending pk: (key,
    outcome)}); keys by pk, so that a caller can swap in one step's unsaved
    edits, or the endings' unsaved outcomes.
    """
    endings = {
        pk: (key, outcome)
        for pk, key, outcome in simulation.endings.values_list("pk", "key", "outcome")
    }
    steps = {pk: (key, []) for pk, key in simulation.steps.values_list("pk", "key")}
    for step_id, key, next_id, ending_id in Choice.objects.filter(
        step__simulation=simulation
    ).values_list("step_id", "key", "next_step_id", "ending_id"):
        steps[step_id][1].append(edge(key, next_id, ending_id, steps, endings))
    start = steps.get(simulation.start_id, ("", None))[0]
    return start, steps, endings


def edge(key, next_id, ending_id, steps, endings):
    return graph.Edge(
        choice=key,
        step=steps[next_id][0] if next_id in steps else "",
        ending=endings[ending_id][0] if ending_id in endings else "",
    )


def problems_of(start, steps, endings):
    return graph.problems(start, dict(steps.values()), dict(endings.values()))


def unpublish_first():
    return gettext(
        "The simulation is published, so learners would meet the broken "
        "path: unpublish it first, or change this so that it stays playable."
    )


# The simulation page.


class SimulationForm(TranslatedForm):
    class Meta:
        model = Simulation
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_published"):
            if not self.instance.pk:
                found = [gettext("The simulation has no steps yet.")]
            else:
                start, steps, endings = saved_graph(self.instance)
                chosen = cleaned.get("start")
                if chosen is not None:
                    start = chosen.key
                elif steps:
                    start = first_step(self.instance).key
                found = problems_of(start, steps, endings)
            if found:
                self.add_error(
                    "is_published",
                    [
                        *found,
                        gettext(
                            "Save it as a draft, write the steps and choices "
                            "until it is playable, then publish it."
                        ),
                    ],
                )
        return cleaned


def first_step(simulation):
    return simulation.steps.order_by("order", "pk").first()


class GuardedFormSet(BaseInlineFormSet):
    """Refuses to delete what learners played, and to add or delete steps
    and endings of a published simulation (its graph would change unseen)."""

    def played(self, obj):
        raise NotImplementedError

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        problems = []
        for form in self.deleted_forms:
            if form.instance.pk and self.played(form.instance):
                problems.append(
                    gettext(
                        "Learners have played “%(item)s”, so it cannot be "
                        "deleted; change it instead."
                    )
                    % {"item": form.instance.key}
                )
        added = [
            form
            for form in self.extra_forms
            if form.has_changed() and form not in self.deleted_forms
        ]
        if self.instance.is_published and (added or self.deleted_forms):
            problems.append(
                gettext(
                    "Steps and endings of a published simulation are added or "
                    "deleted while it is a draft: unpublish it, make the "
                    "change, check that it is playable, and publish it again."
                )
            )
        if problems:
            raise ValidationError(problems)


class StepFormSet(GuardedFormSet):
    def played(self, obj):
        return obj.turns.exists()


class EndingFormSet(GuardedFormSet):
    def played(self, obj):
        return obj.runs.exists()

    def clean(self):
        super().clean()
        simulation = self.instance
        if any(self.errors) or not (simulation.pk and simulation.is_published):
            return
        # A published simulation keeps a way to win and one to lose: the
        # outcomes are checked as edited, with the rest of the saved graph.
        start, steps, endings = saved_graph(simulation)
        for form in self.initial_forms:
            key, _outcome = endings.get(form.instance.pk, ("", ""))
            if key and form.cleaned_data.get("outcome"):
                endings[form.instance.pk] = (key, form.cleaned_data["outcome"])
        found = problems_of(start, steps, endings)
        if found:
            raise ValidationError([*found, unpublish_first()])


class StepInline(TranslationTabularInline):
    """The steps in order; each is written, with its choices, on its own page."""

    model = Step
    fk_name = "simulation"
    formset = StepFormSet
    extra = 0
    fields = ("order", "key", "channel", "short_prompt", "leads_to")
    readonly_fields = ("short_prompt", "leads_to")
    show_change_link = True
    verbose_name_plural = _("steps (write each step's message and choices on its page)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("choices__next_step", "choices__ending")
        )

    @admin.display(description=_("question"))
    def short_prompt(self, obj):
        return Truncator(obj.prompt).chars(60) if obj.pk else ""

    @admin.display(description=_("choices lead to"))
    def leads_to(self, obj):
        if not obj.pk:
            return ""
        choices = list(obj.choices.all())
        if not choices:
            return gettext("No choices yet")
        return format_html_join(
            mark_safe("<br>"),
            "{} → {}",
            (
                (
                    Truncator(choice.text).chars(40),
                    choice.next_step.key
                    if choice.next_step_id
                    else (
                        gettext("ending “%(ending)s”") % {"ending": choice.ending.key}
                        if choice.ending_id
                        else gettext("nowhere")
                    ),
                )
                for choice in choices
            ),
        )


class EndingInline(TranslatedInlineMixin, TranslationStackedInline):
    model = Ending
    formset = EndingFormSet
    extra = 0
    fields = (("key", "outcome", "score"), *side_by_side("title", "body"))


@admin.register(Simulation)
class SimulationAdmin(SafeAutocompleteAdminMixin, ContentAdmin):
    form = SimulationForm
    list_display = ("order", *ContentAdmin.list_display, "playable")
    list_display_links = ("title",)
    search_fields = (
        "slug",
        "steps__key",
        *in_every_language("title", "summary", "steps__body", "steps__choices__text"),
    )
    autocomplete_fields = ("case_study",)
    translated_children = ("steps", "endings")
    inlines = (StepInline, EndingInline)
    readonly_fields = (*ContentAdmin.readonly_fields, "playable_check")
    fieldsets = (
        (None, {"fields": ("order", *side_by_side("title"), "slug")}),
        (None, {"fields": (*side_by_side("summary"), "case_study")}),
        (_("How it is played"), {"fields": ("start", "playable_check")}),
        ContentAdmin.sourcing_fieldset,
        ContentAdmin.publishing_fieldset,
        TranslatedAdmin.translation_fieldset,
    )

    def get_changelist(self, request, **kwargs):
        return PlayableChangeList

    def get_form(self, request, obj=None, **kwargs):
        # Read by formfield_for_foreignkey while the form is made.
        request.simulation_id = obj.pk if obj else None
        return super().get_form(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "start":
            # Only this simulation's own steps; none before it is saved.
            kwargs["queryset"] = Step.objects.filter(
                simulation_id=getattr(request, "simulation_id", None)
            )
            kwargs["help_text"] = _("Left empty, the first step in order is the start.")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def view_on_site(self, obj):
        # The learners' pages are another branch's; until they exist there
        # is no page to link to.
        try:
            return obj.get_absolute_url()
        except NoReverseMatch:
            return None

    @admin.display(description=_("playable"), boolean=True)
    def playable(self, obj):
        return not prefetched_problems(obj)

    @admin.display(description=_("Can be played"))
    def playable_check(self, obj):
        if obj is None or not obj.pk:
            return gettext("Save the simulation, then add its steps and endings.")
        found = obj.graph_problems()
        if not found:
            return gettext(
                "Yes: every step can be reached from the start, and every path ends."
            )
        return format_html(
            "<p>{}</p><ul>{}</ul>",
            gettext("Not yet:"),
            format_html_join("", "<li>{}</li>", ((problem,) for problem in found)),
        )

    def publish_problems(self, obj):
        return obj.graph_problems()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        simulation = form.instance
        if simulation.start_id is None:
            start = first_step(simulation)
            if start is not None:
                simulation.start = start
                simulation.save(update_fields=["start"])

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        for simulation in objs:
            if simulation.runs.exists():
                protected.append(played_problem(simulation))
        return deleted, counts, perms_needed, protected

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            "can_view_statistics": request.user.has_perm(
                "simulations.view_simulation_statistics"
            ),
            "can_add_step": self.has_change_permission(request)
            and request.user.has_perm("simulations.add_step"),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="simulations_simulation_preview",
            ),
            path(
                "<path:object_id>/statistics/",
                view(self.statistics_view),
                name="simulations_simulation_statistics",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        return admin_views.simulation_preview(request, self, object_id)

    def statistics_view(self, request, object_id):
        return admin_views.simulation_statistics(request, self, object_id)


class PlayableChangeList(ChangeList):
    """The list, with what its "playable" column reads in a few queries."""

    def get_queryset(self, request, *args, **kwargs):
        return (
            super()
            .get_queryset(request, *args, **kwargs)
            .prefetch_related(
                "steps__choices__next_step", "steps__choices__ending", "endings"
            )
            .select_related("start")
        )


def prefetched_problems(simulation):
    """graph_problems() over what the changelist prefetched: no queries."""
    steps = {
        step.key: [
            graph.Edge(
                choice=choice.key,
                step=choice.next_step.key if choice.next_step_id else "",
                ending=choice.ending.key if choice.ending_id else "",
            )
            for choice in step.choices.all()
        ]
        for step in simulation.steps.all()
    }
    endings = {ending.key: ending.outcome for ending in simulation.endings.all()}
    start = simulation.start.key if simulation.start_id else ""
    return graph.problems(start, steps, endings)


# The step page.


class LeaksField(forms.MultipleChoiceField):
    """The comma-separated ``leaks`` column, as one checkbox per kind."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        super().__init__(choices=Leak.choices, required=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            return split_leaks(value)
        return value

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial), data)

    def clean(self, value):
        chosen = set(super().clean(value))
        # In the vocabulary's order, however the browser sent them.
        return ",".join(kind for kind in Leak.values if kind in chosen)


class ChoiceForm(TranslatedForm):
    leaks = LeaksField(label=_("hands over"))

    class Meta:
        model = Choice
        fields = (
            "order",
            "key",
            *in_every_language("text", "feedback"),
            "next_step",
            "ending",
            "safety",
            "leaks",
            "chain_link",
            "misconception",
        )
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 2, "cols": 32})
                for name in in_every_language("text")
            },
            **{
                name: forms.Textarea(attrs={"rows": 3, "cols": 32})
                for name in in_every_language("feedback")
            },
            "order": forms.NumberInput(attrs={"class": "vIntegerField", "min": 0}),
        }


class ChoiceFormSet(BaseInlineFormSet):
    """Checks the choices together: learners' turns, and a published graph."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Choice.clean() compares the step's simulation, before the step
        # is saved on the add page.
        form.instance.step = self.instance
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        problems = []
        for form in self.deleted_forms:
            choice = form.instance
            if choice.pk and choice.turns.exists():
                problems.append(
                    gettext(
                        "Learners have chosen “%(choice)s”, so it cannot be "
                        "deleted; reword it instead."
                    )
                    % {"choice": Truncator(choice.text).chars(60)}
                )
        step = self.instance
        simulation = Simulation.objects.filter(pk=step.simulation_id).first()
        if simulation is not None and simulation.is_published and step.key:
            kept = [
                form.cleaned_data
                for form in self.forms
                if form not in self.deleted_forms
                and (form.instance.pk or form.has_changed())
            ]
            start, steps, endings = saved_graph(simulation)
            steps[step.pk or "new"] = (
                step.key,
                [
                    graph.Edge(
                        choice=data.get("key") or "",
                        step=data["next_step"].key if data.get("next_step") else "",
                        ending=data["ending"].key if data.get("ending") else "",
                    )
                    for data in kept
                ],
            )
            found = problems_of(start, steps, endings)
            if found:
                problems += [*found, unpublish_first()]
        if problems:
            raise ValidationError(problems)


class ChoiceInline(TranslatedInlineMixin, TranslationStackedInline):
    model = Choice
    fk_name = "step"
    form = ChoiceForm
    formset = ChoiceFormSet
    extra = 0
    min_num = 2
    fields = (
        ("order", "key", "safety"),
        ("next_step", "ending"),
        *side_by_side("text", "feedback"),
        "leaks",
        ("chain_link", "misconception"),
    )

    def get_formset(self, request, obj=None, **kwargs):
        # Read by formfield_for_foreignkey while the formset's form is made.
        request.simulation_id = obj.simulation_id if obj else chosen_simulation(request)
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choices lead only to steps and endings of the same simulation.
        if db_field.name in ("next_step", "ending"):
            kwargs["queryset"] = db_field.related_model.objects.filter(
                simulation_id=getattr(request, "simulation_id", None)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def chosen_simulation(request):
    """The simulation a new step is for, from its form or the link to it."""
    value = request.POST.get("simulation") or request.GET.get("simulation")
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    # A forged number too big for the database's keys matches nothing.
    return pk if 0 < pk < 2**31 else None


class StepForm(TranslatedForm):
    class Meta:
        model = Step
        fields = "__all__"
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in in_every_language("narration", "details")
            },
            **{
                name: forms.Textarea(attrs={"rows": 5})
                for name in in_every_language("body")
            },
        }


@admin.register(Step)
class StepAdmin(VersionAdmin, TranslatedAdmin):
    form = StepForm
    list_display = (
        "key",
        "simulation",
        "order",
        "channel",
        "short_prompt",
        "zh_hans_status",
        "zh_hant_status",
    )
    list_filter = ("simulation", "channel", TranslationStatusFilter)
    list_select_related = ("simulation",)
    search_fields = (
        "key",
        *in_every_language("prompt", "sender", "body", "choices__text"),
    )
    translated_children = ("choices",)
    inlines = (ChoiceInline,)
    history_latest_first = True
    fieldsets = (
        (None, {"fields": ("simulation", "order", "key", *side_by_side("narration"))}),
        (
            _("Mock message"),
            {
                "fields": (
                    "channel",
                    *side_by_side("sender", "subject", "sent_at", "details", "body"),
                ),
                "description": _(
                    "The other side's turn, drawn as a mock-up of that screen, "
                    "the same way as a quiz question's message."
                ),
            },
        ),
        (None, {"fields": side_by_side("prompt")}),
        TranslatedAdmin.translation_fieldset,
    )

    def get_readonly_fields(self, request, obj=None):
        # A step stays in its simulation: its choices point inside it.
        return ("simulation_link",) if obj else ()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj:
            first = fieldsets[0][1]["fields"]
            fieldsets = (
                (None, {"fields": ("simulation_link", *first[1:])}),
                *fieldsets[1:],
            )
        return fieldsets

    @admin.display(description=_("question"), ordering="prompt")
    def short_prompt(self, obj):
        return Truncator(obj.prompt).chars(70)

    @admin.display(description=_("simulation"))
    def simulation_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:simulations_simulation_change", args=[obj.simulation_id]),
            obj.simulation,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("simulation")

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        for step in objs:
            if step.turns.exists():
                protected.append(played_problem(step))
            elif step.simulation.is_published:
                protected.append(
                    gettext(
                        "“%(step)s” belongs to a published simulation; "
                        "unpublish it first."
                    )
                    % {"step": step}
                )
        return deleted, counts, perms_needed, protected

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(
            request, object_id, form_url, self.links(request, extra_context)
        )

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, self.links(request, extra_context))

    def links(self, request, extra_context):
        return {
            "can_add_step": self.has_add_permission(request),
            **(extra_context or {}),
        }

    def response_post_save_add(self, request, obj):
        return self.back_to_simulation(request, obj) or super().response_post_save_add(
            request, obj
        )

    def response_post_save_change(self, request, obj):
        return self.back_to_simulation(
            request, obj
        ) or super().response_post_save_change(request, obj)

    def back_to_simulation(self, request, obj):
        # "Save" returns to the simulation the step belongs to, where the
        # other steps and the playable check are.
        if request.user.has_perm("simulations.view_simulation"):
            return HttpResponseRedirect(
                reverse("admin:simulations_simulation_change", args=[obj.simulation_id])
            )
        return None
