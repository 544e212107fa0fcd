import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from quizzes.confidence import Confidence
from simulations.models import Run, Turn

from .factories import load_fixture, paths_to_endings

pytestmark = pytest.mark.django_db


@pytest.fixture
def simulation():
    return load_fixture()


def start(client, simulation):
    response = client.post(reverse("simulations:start", args=[simulation.slug]))
    run = Run.objects.latest("started_at")
    assertRedirects(response, reverse("simulations:run", args=[run.public_id]))
    return run


def value_of(page, text):
    """Return the radio value the step page gives the choice with this text."""
    html = page.content.decode()
    match = re.search(
        r'value="([0-9a-f]{12})" id="[^"]+"[^>]*>\s*<span class="option__text">'
        + re.escape(text),
        html,
    )
    assert match, f"no option {text!r}"
    return match[1]


def choose(client, run, choice, confidence=None, position=None):
    page = client.get(reverse("simulations:run", args=[run.public_id]))
    data = {"choice": value_of(page, choice.text)}
    if confidence:
        data["confidence"] = confidence
    run.refresh_from_db()
    url = reverse("simulations:choose", args=[run.public_id, position or run.position])
    return client.post(url, data)


@pytest.mark.parametrize("ending", ["hung-up", "stopped", "scammed"])
def test_every_ending_can_be_played_without_javascript(client, simulation, ending):
    path = paths_to_endings(simulation)[ending]
    run = start(client, simulation)
    for choice in path:
        response = choose(client, run, choice, confidence="2")
        assert response.status_code == 302
    run.refresh_from_db()
    assert run.ending.key == ending and run.turn_count == len(path)
    assertRedirects(response, reverse("simulations:debrief", args=[run.public_id]))
    debrief = client.get(response["Location"])
    assertContains(debrief, run.ending.title)
    assertContains(debrief, f"Score: {run.ending.score} out of 100")
    for choice in path:
        assertContains(debrief, choice.text)
        assertContains(debrief, choice.feedback)
    assertContains(debrief, "Fairly sure")


def test_the_step_page_draws_the_mock_up_and_gives_nothing_away(client, simulation):
    run = start(client, simulation)
    page = client.get(reverse("simulations:run", args=[run.public_id]))
    assertContains(page, "mock mock--call")
    assertContains(page, "Your phone rings during lunch.")
    assertContains(page, "How sure are you?")
    for choice in run.step.choices.all():
        assertNotContains(page, choice.feedback)
        assertNotContains(page, f'value="{choice.key}"')
        assertNotContains(page, choice.get_safety_display())
    assert page["Cache-Control"].count("no-store") == 1


def test_the_heading_is_short_and_the_narration_a_paragraph(client, simulation):
    run = start(client, simulation)
    page = client.get(reverse("simulations:run", args=[run.public_id]))
    html = page.content.decode()
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == ["Turn 1"]
    assertContains(
        page, '<p class="sim__narration">Your phone rings during lunch.</p>', html=True
    )


def test_confidence_is_asked_as_in_quizzes(client, simulation):
    """The quizzes' field, template and scale: one look, one meaning."""
    assert Turn._meta.get_field("confidence").choices == Confidence.choices
    run = start(client, simulation)
    page = client.get(reverse("simulations:run", args=[run.public_id]))
    assertContains(page, '<fieldset class="confidence"')
    assertContains(page, 'class="confidence__input"', count=3)
    assertNotContains(page, "sim-confidence")
    for _level, label in Confidence.choices:
        assertContains(page, f"<span>{label}</span>", html=True)
    # Optional here, as the score is the ending's.
    assertContains(page, "(optional)")
    choice = run.step.choices.first()
    url = reverse("simulations:choose", args=[run.public_id, 1])
    refused = client.post(url, {"choice": value_of(page, choice.text), "confidence": 4})
    assertContains(
        refused,
        "Choose one of the three levels: not sure, fairly sure or very sure.",
        status_code=400,
    )
    assert "autofocus" in refused.content.decode().split('name="confidence"')[1]


def test_the_debrief_shows_the_chain_and_confidently_wrong(client, simulation):
    run = start(client, simulation)
    confirm, read_code = paths_to_endings(simulation)["scammed"]
    choose(client, run, confirm, confidence="1")
    choose(client, run, read_code, confidence="3")
    page = client.get(reverse("simulations:debrief", args=[run.public_id]))
    html = page.content.decode()
    assertContains(page, "Confidently wrong")
    assertContains(page, "Your choices handed over: your name, your phone number")
    # The chain says in words which link got what, in the links' order.
    acquisition = html.index("Acquisition</a>")
    use = html.index("Use</a>")
    assert acquisition < html.index("your name, your phone number", acquisition) < use
    assert html.index("a verification code, your money", use) > use
    assert html.count("Nothing from you.") == 1  # reselling
    # Hotlines in the ending are one tap away.
    assertContains(page, '<a href="tel:110">110</a>')


def test_a_safe_run_says_nothing_was_handed_over(client, simulation):
    run = start(client, simulation)
    choose(client, run, paths_to_endings(simulation)["hung-up"][0])
    page = client.get(reverse("simulations:debrief", args=[run.public_id]))
    assertContains(page, "Your choices handed over nothing")
    assertNotContains(page, "Confidently wrong")


def test_a_run_in_progress_is_resumed_from_the_simulation_page(client, simulation):
    run = start(client, simulation)
    choose(client, run, paths_to_endings(simulation)["stopped"][0])
    page = client.get(simulation.get_absolute_url())
    assertContains(page, "Resume where you left off")
    assertContains(page, reverse("simulations:run", args=[run.public_id]))
    resumed = client.get(reverse("simulations:run", args=[run.public_id]))
    assertContains(resumed, "Turn 2")
    assertContains(resumed, "A text arrives while the caller waits.")


def test_starting_twice_before_a_choice_resumes_the_same_run(client, simulation):
    first = start(client, simulation)
    second = start(client, simulation)
    assert first == second and Run.objects.count() == 1


def test_a_replayed_post_or_back_button_changes_nothing(client, simulation):
    run = start(client, simulation)
    confirm = paths_to_endings(simulation)["stopped"][0]
    page = client.get(reverse("simulations:run", args=[run.public_id]))
    data = {"choice": value_of(page, confirm.text)}
    url = reverse("simulations:choose", args=[run.public_id, 1])
    assert client.post(url, data).status_code == 302
    # The same POST again (a refresh of the POST, the back button and
    # submit): one turn, and the learner lands on the current step.
    response = client.post(url, data, follow=True)
    assertContains(response, "your first choice counts")
    assertContains(response, "Turn 2")
    assert Turn.objects.count() == 1
    run.refresh_from_db()
    assert run.turn_count == 1 and run.step.key == "code"
    # A choice of the old step posted for the current turn is not one of
    # this step's: refused, clearly, nothing recorded.
    wrong_step = client.post(
        reverse("simulations:choose", args=[run.public_id, 2]), data
    )
    assert wrong_step.status_code == 400
    assertContains(wrong_step, "not one of this step", status_code=400)
    assert Turn.objects.count() == 1


def test_a_finished_run_replays_nothing_and_shows_the_debrief(client, simulation):
    run = start(client, simulation)
    hang_up = paths_to_endings(simulation)["hung-up"][0]
    page = client.get(reverse("simulations:run", args=[run.public_id]))
    data = {"choice": value_of(page, hang_up.text)}
    url = reverse("simulations:choose", args=[run.public_id, 1])
    client.post(url, data)
    again = client.post(url, data)
    assertRedirects(again, reverse("simulations:debrief", args=[run.public_id]))
    assertRedirects(
        client.get(reverse("simulations:run", args=[run.public_id])),
        reverse("simulations:debrief", args=[run.public_id]),
    )
    assert Turn.objects.count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Choose what you do before you continue."),
        ({"choice": "nonsense"}, "not one of this step"),
        ({"choice": "VALID", "confidence": "7"}, "Choose one of the three levels"),
        ({"choice": "VALID", "confidence": "very"}, "Choose one of the three levels"),
    ],
)
def test_bad_input_gets_a_clear_message_and_can_be_retried(
    client, simulation, data, message
):
    run = start(client, simulation)
    page = client.get(reverse("simulations:run", args=[run.public_id]))
    choice = run.step.choices.first()
    if data.get("choice") == "VALID":
        data = {**data, "choice": value_of(page, choice.text)}
    url = reverse("simulations:choose", args=[run.public_id, 1])
    response = client.post(url, data)
    assertContains(response, message, status_code=400)
    assert not Turn.objects.exists()
    retry = client.post(url, {"choice": value_of(page, choice.text)})
    assert retry.status_code == 302 and Turn.objects.count() == 1


def test_a_wrong_turn_number_lands_on_the_current_step(client, simulation):
    run = start(client, simulation)
    page = client.get(reverse("simulations:run", args=[run.public_id]))
    choice = run.step.choices.first()
    url = reverse("simulations:choose", args=[run.public_id, 5])
    response = client.post(url, {"choice": value_of(page, choice.text)})
    assertRedirects(response, reverse("simulations:run", args=[run.public_id]))
    assert not Turn.objects.exists()


def test_someone_elses_run_is_not_found(client, simulation, django_user_model):
    run = start(client, simulation)
    other = django_user_model.objects.create_user("other", password="x-long-password")
    client.force_login(other)
    for name in ("simulations:run", "simulations:debrief"):
        assert client.get(reverse(name, args=[run.public_id])).status_code == 404
    url = reverse("simulations:choose", args=[run.public_id, 1])
    assert client.post(url, {"choice": "x"}).status_code == 404


def test_a_signed_in_learner_plays_on_their_account(
    client, simulation, django_user_model
):
    user = django_user_model.objects.create_user("li", password="x-long-password")
    client.force_login(user)
    run = start(client, simulation)
    assert run.user == user
    choose(client, run, paths_to_endings(simulation)["hung-up"][0])
    run.refresh_from_db()
    assert run.is_finished and run.score == 100


def test_the_pages_in_simplified_and_traditional_chinese(client, simulation):
    with_language = client.post(
        reverse("simulations:start", args=[simulation.slug]).replace(
            "/en/", "/zh-hans/"
        )
    )
    run = Run.objects.get()
    page = client.get(with_language["Location"])
    assertContains(page, "午饭时，你的手机响了。")
    assertContains(page, "你有多确定？")
    hant = client.get(page.request["PATH_INFO"].replace("/zh-hans/", "/zh-hant/"))
    assertContains(hant, "午飯時，你的手機響了。")
    assert run.language == "zh-hans"


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_stay_flat_on_the_step_and_debrief_pages(
    client, simulation, django_assert_max_num_queries
):
    paths = paths_to_endings(simulation)
    confirm, read_code = paths["scammed"]
    ask_again = simulation.steps.get(key="code").choices.get(key="ask-again")
    short = start(client, simulation)
    step_url = reverse("simulations:run", args=[short.public_id])
    with django_assert_max_num_queries(4):
        client.get(step_url)
    first_step = count_queries(client, step_url)
    choose(client, short, confirm)
    # The second step, with three choices to the first's two, costs the same.
    assert count_queries(client, step_url) == first_step
    choose(client, short, read_code)
    short_debrief = count_queries(
        client, reverse("simulations:debrief", args=[short.public_id])
    )
    assert short_debrief <= 6
    # A run twice as long, with a loop, reads its debrief in as many queries.
    long = start(client, simulation)
    for choice in (confirm, ask_again, confirm, read_code):
        choose(client, long, choice)
    long.refresh_from_db()
    assert long.turn_count == 4 and long.is_finished
    debrief = reverse("simulations:debrief", args=[long.public_id])
    assert count_queries(client, debrief) == short_debrief


def test_the_list_and_the_case_page_link_to_the_simulation(client, simulation):
    page = client.get(reverse("simulations:list"))
    assertContains(page, simulation.get_absolute_url())
    case = client.get(simulation.case_study.get_absolute_url())
    assertContains(case, "Play it through")
    assertContains(case, simulation.get_absolute_url())
    nav = client.get(reverse("home"))
    assertContains(nav, reverse("simulations:list"))
