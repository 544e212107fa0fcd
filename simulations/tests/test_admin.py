import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from awareness.tests.factories import in_english
from quizzes.models import LEARNER_SESSION_KEY
from quizzes.tests.factories import count_queries
from simulations.models import Choice, Ending, Run, Simulation, Step, Turn

from .admin_factories import make_simulation, play_runs

pytestmark = pytest.mark.django_db

MODELS = (Simulation, Step, Ending, Choice)


def url(model, view, *args):
    return reverse(f"admin:simulations_{model}_{view}", args=args)


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def simulation_data(simulation=None, *, steps=(), endings=(), **fields):
    """The simulation page's data: new steps as (key, channel), new endings
    as (key, outcome, score); saved ones are sent back as they stand."""
    saved_steps = list(simulation.steps.all()) if simulation else []
    saved_endings = list(simulation.endings.all()) if simulation else []
    data = {
        "order": 1,
        "title": "The bank calls",
        "slug": "bank-calls",
        "summary": "A call about a frozen card.",
        "case_study": "",
        "start": simulation.start_id or "" if simulation else "",
        "last_verified": "2026-11-25",
        "published_at_0": "2026-11-01",
        "published_at_1": "09:00:00",
        "zh_hant_is_converted": "on",
        **management("steps", len(saved_steps) + len(steps), len(saved_steps)),
        **management("endings", len(saved_endings) + len(endings), len(saved_endings)),
    }
    rows = [(s.pk, s.order, s.key, s.channel) for s in saved_steps]
    rows += [(None, n, key, channel) for n, (key, channel) in enumerate(steps, 1)]
    for n, (pk, order, key, channel) in enumerate(rows):
        data.update(
            {
                f"steps-{n}-id": pk or "",
                f"steps-{n}-simulation": simulation.pk if simulation else "",
                f"steps-{n}-order": order,
                f"steps-{n}-key": key,
                f"steps-{n}-channel": channel,
            }
        )
    rows = [(e.pk, e.key, e.outcome, e.score, e.title, e.body) for e in saved_endings]
    rows += [
        (None, key, outcome, score, f"Ending {key}", f"What happens after {key}.")
        for key, outcome, score in endings
    ]
    for n, (pk, key, outcome, score, title, body) in enumerate(rows):
        data.update(
            {
                f"endings-{n}-id": pk or "",
                f"endings-{n}-simulation": simulation.pk if simulation else "",
                f"endings-{n}-key": key,
                f"endings-{n}-outcome": outcome,
                f"endings-{n}-score": score,
                f"endings-{n}-title": title,
                f"endings-{n}-body": body,
            }
        )
    data.update(fields)
    return in_english({k: v for k, v in data.items() if v is not None}, *MODELS)


def step_data(step, choices, **fields):
    """The step page's data with these new choices, replacing none: each
    choice as (key, safety, next step or None, ending or None, leaks)."""
    saved = list(step.choices.all()) if step.pk else []
    data = {
        "simulation": step.simulation_id,
        "order": step.order,
        "key": step.key,
        "narration": "An unknown number calls.",
        "channel": step.channel,
        "sender": "+86 21 5555 0100",
        "subject": "",
        "sent_at": "10:02",
        "details": "",
        "body": "Your card is frozen.\n> Who is this?\nThe bank's security team.",
        "prompt": "What do you do?",
        "zh_hant_is_converted": "on",
        **management("choices", len(saved) + len(choices), len(saved)),
    }
    rows = [
        (c.pk, c.key, c.safety, c.next_step_id, c.ending_id, c.leak_list) for c in saved
    ]
    rows += [
        (None, key, safety, nxt.pk if nxt else "", end.pk if end else "", leaks)
        for key, safety, nxt, end, leaks in choices
    ]
    for n, (pk, key, safety, nxt, end, leaks) in enumerate(rows):
        data.update(
            {
                f"choices-{n}-id": pk or "",
                f"choices-{n}-step": step.pk or "",
                f"choices-{n}-order": n + 1,
                f"choices-{n}-key": key,
                f"choices-{n}-text": f"I {key.replace('-', ' ')}",
                f"choices-{n}-feedback": f"Why {key}.",
                f"choices-{n}-next_step": nxt or "",
                f"choices-{n}-ending": end or "",
                f"choices-{n}-safety": safety,
                f"choices-{n}-leaks": list(leaks),
                f"choices-{n}-chain_link": "",
                f"choices-{n}-misconception": "",
            }
        )
    data.update(fields)
    return in_english(data, *MODELS)


def errors(response):
    """Say why a form was refused, for the assertion message."""
    context = getattr(response, "context", None)
    if not context or "adminform" not in context:
        return response.status_code
    found = [context["adminform"].form.errors]
    found += [inline.formset.errors for inline in context["inline_admin_formsets"]]
    found += [
        inline.formset.non_form_errors() for inline in context["inline_admin_formsets"]
    ]
    return found


def test_an_editor_authors_a_simulation_from_nothing_to_published(editor_client):
    """The issue's "done when", through the admin's forms alone."""
    response = editor_client.post(
        url("simulation", "add"),
        simulation_data(
            steps=[("call", "call"), ("code", "sms")],
            endings=[("safe", "safe", 100), ("scammed", "unsafe", 0)],
        ),
    )
    assert response.status_code == 302, errors(response)
    simulation = Simulation.objects.get(slug="bank-calls")
    call, code = simulation.steps.order_by("order")
    safe, scammed = simulation.endings.order_by("-score")
    # Left empty, the start is the first step.
    assert simulation.start == call
    page = editor_client.get(url("simulation", "change", simulation.pk))
    assertContains(page, "Can be played")
    assertContains(page, "needs at least two choices")
    assertContains(page, url("step", "change", call.pk))
    assertContains(page, url("step", "add") + f"?simulation={simulation.pk}")

    refused = editor_client.post(
        url("simulation", "change", simulation.pk),
        simulation_data(simulation, is_published="on"),
    )
    assert refused.status_code == 200
    assertContains(refused, "Step “call” needs at least two choices.")
    simulation.refresh_from_db()
    assert not simulation.is_published

    response = editor_client.post(
        url("step", "change", call.pk),
        step_data(
            call,
            [
                ("hang-up", "safe", None, safe, ()),
                ("read-card", "unsafe", code, None, ("bank_card", "name")),
            ],
        ),
    )
    assert response.status_code == 302, errors(response)
    # Saving a step goes back to its simulation.
    assert response.url == url("simulation", "change", simulation.pk)
    assert call.choices.get(key="read-card").leaks == "name,bank_card"
    page = editor_client.get(url("step", "change", call.pk))
    assertContains(page, url("simulation", "change", simulation.pk))
    assertContains(page, 'name="choices-1-leaks" value="bank_card"')

    response = editor_client.post(
        url("step", "change", code.pk),
        step_data(
            code,
            [
                ("send-code", "unsafe", None, scammed, ("verification_code",)),
                ("call-bank", "safe", None, safe, ()),
            ],
        ),
    )
    assert response.status_code == 302, errors(response)
    assert simulation.graph_problems() == []

    response = editor_client.post(
        url("simulation", "change", simulation.pk),
        simulation_data(simulation, is_published="on"),
    )
    assert response.status_code == 302, errors(response)
    simulation.refresh_from_db()
    assert simulation.is_published
    listing = editor_client.get(url("simulation", "changelist"))
    assertContains(listing, 'alt="True"')
    preview = editor_client.get(
        url("simulation", "preview", simulation.pk), {"path": "read-card.send-code"}
    )
    assertContains(preview, "Ending scammed")


def test_publishing_is_refused_while_the_graph_has_problems(editor_client):
    simulation = make_simulation(is_published=False)
    Ending.objects.create(
        simulation=simulation, key="lost", outcome="unsafe", score=0, title="Lost"
    )
    response = editor_client.post(
        url("simulation", "change", simulation.pk),
        simulation_data(simulation, is_published="on"),
    )
    assert response.status_code == 200
    assertContains(response, "Ending “lost” is never reached.")
    simulation.refresh_from_db()
    assert not simulation.is_published
    listing = editor_client.get(url("simulation", "changelist"))
    assertContains(listing, 'alt="False"')
    # Nor by the bulk action.
    editor_client.post(
        url("simulation", "changelist"),
        {"action": "publish", "_selected_action": [simulation.pk]},
    )
    simulation.refresh_from_db()
    assert not simulation.is_published


def test_a_published_simulation_refuses_edits_that_would_break_it(editor_client):
    simulation = make_simulation()
    code = simulation.steps.get(key="code")
    choices = list(code.choices.all())
    data = step_data(code, [])
    # Both choices now loop back to the step itself: a trap with no ending.
    for n in range(len(choices)):
        data[f"choices-{n}-next_step"] = code.pk
        data[f"choices-{n}-ending"] = ""
    response = editor_client.post(url("step", "change", code.pk), data)
    assert response.status_code == 200
    assertContains(response, "From step “code” no path leads to an ending.")
    assertContains(response, "unpublish it first")
    assert code.choices.filter(ending__isnull=False).count() == 2
    # Adding a step on the simulation's page is refused too.
    response = editor_client.post(
        url("simulation", "change", simulation.pk),
        simulation_data(simulation, steps=[("extra", "sms")], is_published="on"),
    )
    assert response.status_code == 200
    assert not simulation.steps.filter(key="extra").exists()


def test_choices_lead_only_inside_their_simulation(editor_client):
    simulation = make_simulation(is_published=False)
    other = make_simulation(is_published=False)
    code = simulation.steps.get(key="code")
    elsewhere = other.steps.get(key="code")
    response = editor_client.get(url("step", "change", code.pk))
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert set(form.fields["next_step"].queryset) == set(simulation.steps.all())
    assert set(form.fields["ending"].queryset) == set(simulation.endings.all())
    data = step_data(code, [("jump", "safe", elsewhere, None, ())])
    response = editor_client.post(url("step", "change", code.pk), data)
    assert response.status_code == 200
    assert not code.choices.filter(key="jump").exists()
    page = editor_client.get(url("simulation", "change", simulation.pk))
    start = page.context["adminform"].form.fields["start"]
    assert set(start.queryset) == set(simulation.steps.all())
    assert f'<option value="{elsewhere.pk}"' not in str(
        page.context["adminform"].form["start"]
    )


def test_a_new_step_is_added_from_its_simulation(editor_client):
    simulation = make_simulation(is_published=False)
    page = editor_client.get(url("step", "add"), {"simulation": simulation.pk})
    assertContains(page, f'<option value="{simulation.pk}" selected>')
    step = Step(simulation=simulation, key="again", order=3, channel="chat")
    response = editor_client.post(
        url("step", "add") + f"?simulation={simulation.pk}",
        step_data(
            step,
            [
                ("stop", "safe", None, simulation.endings.get(key="safe"), ()),
                (
                    "pay",
                    "unsafe",
                    None,
                    simulation.endings.get(key="scammed"),
                    ("money",),
                ),
            ],
        ),
    )
    assert response.status_code == 302, errors(response)
    added = simulation.steps.get(key="again")
    assert added.choices.count() == 2
    # Nothing leads to it yet, and the page says so.
    assert "Step “again” cannot be reached." in simulation.graph_problems()


def test_played_steps_and_choices_cannot_be_deleted(editor_client):
    simulation = make_simulation(is_published=False)
    play_runs(simulation, ["ask-badge", "read-code"], learners=1)
    code = simulation.steps.get(key="code")
    data = step_data(code, [])
    data["choices-0-DELETE"] = "on"
    response = editor_client.post(url("step", "change", code.pk), data)
    assert response.status_code == 200
    assertContains(response, "so it cannot be deleted")
    data = simulation_data(simulation)
    data["steps-1-DELETE"] = "on"
    response = editor_client.post(url("simulation", "change", simulation.pk), data)
    assertContains(response, "Learners have played “code”")
    assert Turn.objects.count() == 2


def learner_rows():
    return Run.objects.count(), Turn.objects.count()


def test_preview_plays_to_an_ending_and_records_nothing(editor_client):
    simulation = make_simulation(is_published=False)
    preview = url("simulation", "preview", simulation.pk)
    first = editor_client.get(preview)
    assertContains(first, "Nothing you do here is recorded.")
    assertContains(first, "I am from the bank")
    assertContains(first, "Training example")
    assertContains(first, 'href="?path=ask-badge"')
    assertContains(first, "Draft: learners do not get this simulation yet")
    second = editor_client.get(preview, {"path": "ask-badge"})
    assertContains(second, "482913")
    assertContains(second, 'href="?path=ask-badge.read-code"')
    end = editor_client.get(preview, {"path": "ask-badge.read-code"})
    assertContains(end, "Your account was emptied")
    assertContains(end, "Why “ask-badge” is risky.")
    assertContains(end, "Why “read-code” is unsafe.")
    assertContains(end, "if money left your account")
    assert learner_rows() == (0, 0)
    assert LEARNER_SESSION_KEY not in editor_client.session


def test_preview_of_a_wrong_path_says_where_it_stops(editor_client):
    simulation = make_simulation()
    preview = url("simulation", "preview", simulation.pk)
    response = editor_client.get(preview, {"path": "ask-badge.no-such"})
    assert response.status_code == 400
    assertContains(response, "Step “code” has no choice “no-such”", status_code=400)
    assertContains(response, 'href="?path=ask-badge.read-code"', status_code=400)
    long = editor_client.get(preview, {"path": ".".join(["x"] * 500)})
    assert long.status_code == 400


def test_preview_queries_do_not_grow_with_the_path(editor_client):
    simulation = make_simulation()
    preview = url("simulation", "preview", simulation.pk)
    short = count_queries(lambda: editor_client.get(preview))
    long = count_queries(
        lambda: editor_client.get(preview, {"path": "ask-badge.read-code"})
    )
    assert long <= short + 1


def test_preview_needs_staff_with_view_permission(client, django_user_model):
    simulation = make_simulation()
    preview = url("simulation", "preview", simulation.pk)
    assert client.get(preview).status_code == 302  # to the admin's login
    staff = django_user_model.objects.create_user("s", is_staff=True)
    client.force_login(staff)
    assert client.get(preview).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_simulation"))
    staff = django_user_model.objects.get(pk=staff.pk)
    client.force_login(staff)
    assert client.get(preview).status_code == 200
    assert client.get(url("simulation", "preview", 9999)).status_code == 404


def test_changelist_queries_do_not_grow_with_simulations(superuser_client):
    make_simulation()
    listing = url("simulation", "changelist")
    few = count_queries(lambda: superuser_client.get(listing))
    for _n in range(4):
        make_simulation()
    assert count_queries(lambda: superuser_client.get(listing)) == few


def test_change_page_links_to_preview_and_statistics(superuser_client, editor):
    simulation = make_simulation()
    editor_client = Client()
    editor_client.force_login(editor)
    page = superuser_client.get(url("simulation", "change", simulation.pk))
    assertContains(page, url("simulation", "preview", simulation.pk))
    assertContains(page, url("simulation", "statistics", simulation.pk))
    assertContains(page, "Yes: every step can be reached")
    page = editor_client.get(url("simulation", "change", simulation.pk))
    assertNotContains(page, url("simulation", "statistics", simulation.pk))


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 30, "", "1.5"])
def test_a_forged_simulation_for_a_new_step_is_refused_cleanly(editor_client, value):
    simulation = make_simulation(is_published=False)
    page = editor_client.get(url("step", "add"), {"simulation": value})
    assert page.status_code == 200
    step = Step(simulation=simulation, key="again", order=3, channel="chat")
    data = step_data(step, [("stop", "safe", None, None, ())], simulation=value)
    response = editor_client.post(url("step", "add") + f"?simulation={value}", data)
    assert response.status_code == 200
    assert not Step.objects.filter(key="again").exists()


def test_publishing_is_refused_without_a_safe_and_an_unsafe_ending(editor_client):
    simulation = make_simulation(is_published=False)
    simulation.endings.filter(key="scammed").update(outcome="recovered")
    response = editor_client.post(
        url("simulation", "change", simulation.pk),
        simulation_data(simulation, is_published="on"),
    )
    assert response.status_code == 200
    assertContains(
        response, "A simulation needs at least one safe and one unsafe ending."
    )
    simulation.refresh_from_db()
    assert not simulation.is_published


def test_a_published_simulation_keeps_a_safe_and_an_unsafe_ending(editor_client):
    simulation = make_simulation()
    data = simulation_data(simulation, is_published="on")
    scammed = next(
        name.removesuffix("-key")
        for name, value in data.items()
        if name.startswith("endings-") and value == "scammed"
    )
    data[f"{scammed}-outcome"] = "recovered"
    response = editor_client.post(url("simulation", "change", simulation.pk), data)
    assert response.status_code == 200
    assertContains(
        response, "A simulation needs at least one safe and one unsafe ending."
    )
    assert simulation.endings.get(key="scammed").outcome == "unsafe"
