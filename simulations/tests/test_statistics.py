import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quizzes import personal_data
from quizzes.tests.factories import count_queries
from simulations import statistics
from simulations.admin_views import steps_of
from simulations.models import Choice, Run
from simulations.statistics import RunRow, TurnRow, analyse

from .admin_factories import make_simulation, play_runs

pytestmark = pytest.mark.django_db


def report_of(simulation, language=None):
    steps = steps_of(simulation)
    endings = list(simulation.endings.all())
    return statistics.simulation_report(simulation, steps, endings, language=language)


@pytest.fixture
def played():
    """16 English learners (one of them twice) and 5 Simplified Chinese."""
    simulation = make_simulation()
    play_runs(simulation, ["hang-up"], learners=10, confidence=3)
    play_runs(simulation, ["hang-up"], learners=1, confidence=3)  # learner-0 again
    play_runs(
        simulation, ["ask-badge", "read-code"], learners=6, confidence=3, start=10
    )
    play_runs(
        simulation,
        ["confirm-card", "call-bank"],
        learners=5,
        language="zh-hans",
        start=16,
    )
    return simulation


def ids(simulation):
    steps = {step.key: step for step in simulation.steps.all()}
    choices = {
        choice.key: choice.pk
        for step in steps.values()
        for choice in step.choices.all()
    }
    endings = {ending.key: ending.pk for ending in simulation.endings.all()}
    return steps, choices, endings


def test_learners_are_counted_per_choice_not_turns(played):
    report = report_of(played)
    steps, choices, endings = ids(played)
    assert report.learners == 16
    assert report.started == 17
    assert report.finished == 17
    assert report.languages_left_out == 1
    call = report.steps[steps["call"].pk]
    assert call.learners == 16
    assert call.choices == {choices["hang-up"]: 10, choices["ask-badge"]: 6}
    assert call.share(choices["hang-up"]) == 10 / 16
    assert call.share(choices["confirm-card"]) == 0
    # Only six learners reached the text message: no figure of it.
    code = report.steps[steps["code"].pk]
    assert code.suppressed
    assert code.choices == {} and code.went_wrong == 0
    assert report.steps_left_out() == 1


def test_where_most_go_wrong_ranks_steps_by_the_share_that_did(played):
    play_runs(played, ["ask-badge", "read-code"], learners=4, start=30)
    play_runs(played, ["confirm-card", "call-bank"], learners=3, start=40)
    report = report_of(played)
    steps, _choices, _endings = ids(played)
    worst = report.worst_steps()
    # The text message: 10 reached it, 10 sent the code; the call: 13 of 23.
    assert [s.step_id for s in worst] == [steps["code"].pk, steps["call"].pk]
    assert worst[0].wrong_share == 10 / 13
    assert worst[1].went_wrong == 13 and worst[1].learners == 23


def test_endings_reached_with_their_mean_score(played):
    report = report_of(played)
    _steps, _choices, endings = ids(played)
    safe = report.endings[endings["safe"]]
    assert (safe.runs, safe.learners, safe.mean_score) == (11, 10, 100)
    assert report.finished_share(safe) == 11 / 17
    scammed = report.endings[endings["scammed"]]
    assert (scammed.runs, scammed.learners) == (6, 6)
    assert scammed.suppressed and scammed.mean_score is None
    # Reached only in the language left out.
    assert endings["stopped"] not in report.endings
    assert report.mean_score == pytest.approx(1100 / 17)


def test_languages_split_with_small_ones_left_out(played):
    report = report_of(played)
    rows = {row.code: row for row in report.languages}
    assert rows[None].learners == 16 and rows["en"].learners == 16
    assert rows["en"].safe_share == 11 / 17
    assert rows["zh-hans"].suppressed and rows["zh-hans"].learners is None
    assert report_of(played, "zh-hans").suppressed
    play_runs(
        played, ["confirm-card", "call-bank"], learners=5, language="zh-hans", start=50
    )
    chinese = report_of(played, "zh-hans")
    assert not chinese.suppressed and chinese.learners == 10
    _steps, _choices, endings = ids(played)
    assert chinese.endings[endings["stopped"]].mean_score == 60
    everything = report_of(played)
    assert everything.learners == 26 and everything.languages_left_out == 0


def test_overconfidence_is_wrong_very_sure_turns_per_step(played):
    report = report_of(played)
    steps, _choices, _endings = ids(played)
    call = report.steps[steps["call"].pk]
    # 11 "very sure" turns chose to hang up, 6 to ask for a badge (risky).
    assert (call.sure_turns, call.sure_wrong) == (17, 6)
    assert call.overconfidence == 6 / 17


def test_overconfidence_counts_only_very_sure_turns_of_enough_learners():
    runs = [RunRow(n, f"u:{n}", "en", True, 1, 0) for n in range(12)]
    # Step 7: choice 1 is safe, 2 unsafe, 3 risky.
    confidence = [3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 1, None]
    chosen = [2, 2, 3, 1, 1, 1, 1, 1, 1, 2, 2, 2]
    turns = [TurnRow(n, 7, chosen[n], confidence[n]) for n in range(12)]
    report = analyse(
        runs=runs,
        turns=turns,
        choices={1: "safe", 2: "unsafe", 3: "risky"},
        endings={1: "unsafe"},
    )
    step = report.steps[7]
    assert not step.suppressed and step.went_wrong == 6
    # Nine learners said "very sure": too few to show.
    assert step.sure_turns == 9 and step.overconfidence_suppressed
    turns.append(TurnRow(11, 7, 3, 3))
    step = analyse(
        runs=runs,
        turns=turns,
        choices={1: "safe", 2: "unsafe", 3: "risky"},
        endings={1: "unsafe"},
    ).steps[7]
    assert not step.overconfidence_suppressed
    assert (step.sure_turns, step.sure_wrong) == (10, 4)


def test_fewer_than_ten_learners_show_nothing():
    simulation = make_simulation()
    play_runs(simulation, ["hang-up"], learners=9)
    report = report_of(simulation)
    assert report.suppressed and report.steps == {} and report.endings == {}


def statistics_url(simulation):
    return reverse("admin:simulations_simulation_statistics", args=[simulation.pk])


def test_analysts_read_the_statistics_page_and_its_files(analyst_client, played):
    response = analyst_client.get(statistics_url(played))
    assert response.status_code == 200
    assertContains(response, "How many learners took each choice")
    assertContains(response, "Where most go wrong")
    assertContains(response, "Overconfidence")
    assertContains(response, "Endings reached")
    assertContains(response, "1 language with fewer than 10 learners is not counted")
    assertContains(response, "1 step was reached by fewer than 10 learners")
    csv = analyst_client.get(statistics_url(played), {"export": "choices"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "I hang up" in csv.content.decode()
    assert (
        analyst_client.get(statistics_url(played), {"export": "x"}).status_code == 404
    )
    chinese = analyst_client.get(statistics_url(played), {"language": "zh-hans"})
    assertContains(chinese, "5 learners have played this simulation in this selection")
    assertNotContains(chinese, "How many learners took each choice")
    # An unknown language is every language.
    assert (
        analyst_client.get(statistics_url(played), {"language": "xx"}).status_code
        == 200
    )


def test_only_staff_with_the_permission_read_statistics(editor_client, played):
    assert editor_client.get(statistics_url(played)).status_code == 403
    page = editor_client.get(
        reverse("admin:simulations_simulation_change", args=[played.pk])
    )
    assertNotContains(page, statistics_url(played))


def test_the_dashboard_links_simulation_statistics(analyst_client, played):
    response = analyst_client.get(reverse("admin:index"))
    assertContains(response, statistics_url(played))


def test_statistics_queries_do_not_grow_with_runs(analyst_client, played):
    few = count_queries(lambda: analyst_client.get(statistics_url(played)))
    play_runs(played, ["ask-badge", "read-code"], learners=40, start=100)
    play_runs(
        played, ["confirm-card", "call-bank"], learners=30, start=200, language=""
    )
    assert count_queries(lambda: analyst_client.get(statistics_url(played))) == few
    assert few <= 12


def test_the_report_is_cached_until_a_run_or_turn_changes(analyst_client, played):
    def get():
        return analyst_client.get(statistics_url(played))

    cold = count_queries(get)
    warm = count_queries(get)
    # The rows and the analysis are skipped: only the key is worked out.
    assert warm < cold
    assert get().context["report"].started == 17
    # A run started is counted at once; erased before it ended, it goes.
    Run.objects.start(
        simulation=played, user=AnonymousUser(), learner_key="late", language="en"
    )
    assert get().context["report"].started == 18
    personal_data.erase(user=AnonymousUser(), learner_key="late")
    assert get().context["report"].started == 17
    # A turn taken, too.
    run = Run.objects.start(
        simulation=played, user=AnonymousUser(), learner_key="later", language="en"
    )
    hang_up = Choice.objects.get(key="hang-up", step__simulation=played)
    assert run.take(position=1, choice=hang_up)
    assert get().context["report"].endings[run.ending_id].runs == 12
    # As does the content, once saved (publishing saves the simulation).
    played.save()
    assert count_queries(get) == cold
