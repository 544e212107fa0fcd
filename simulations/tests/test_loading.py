import shutil
import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from simulations.models import Choice, Ending, Run, Simulation, Step

from .factories import CONTENT, load_fixture, paths_to_endings, play

pytestmark = pytest.mark.django_db

REAL = Path(settings.BASE_DIR) / "awareness" / "content" / "simulations"


def copy_content(tmp_path, edit=None):
    """Copy the test content, changing the simulation file's text if asked."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    if edit:
        file = folder / "simulations" / "1-bank-call.toml"
        file.write_text(edit(file.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def test_a_simulation_file_loads_with_its_graph_translations_and_chain():
    simulation = load_fixture()
    assert simulation.is_public()
    assert simulation.case_study.slug == "fake-bank"
    assert simulation.start.key == "call"
    assert simulation.graph_problems() == []
    assert [s.key for s in simulation.steps.all()] == ["call", "code"]
    assert Ending.objects.filter(simulation=simulation).count() == 3
    confirm = Choice.objects.get(step__key="call", key="confirm")
    assert confirm.next_step.key == "code"
    assert [leak.value for leak in confirm.leak_list] == ["name", "phone"]
    assert confirm.chain_link.slug == "acquisition"
    assert confirm.misconception == "knows-my-details"
    # Simplified from the file, Traditional converted on save.
    assert confirm.text_zh_hans == "报出姓名和生日，把事情解决"
    assert confirm.text_zh_hant == "報出姓名和生日，把事情解決"
    # A number reads the same in every language.
    code = Step.objects.get(key="code")
    assert code.sender_zh_hans == "95500"


def test_loading_again_changes_nothing_and_keeps_runs():
    simulation = load_fixture()
    paths = paths_to_endings(simulation)
    run = play(simulation, paths["scammed"])
    load_fixture()
    run.refresh_from_db()
    assert run.turns.count() == 2 and run.ending.key == "scammed"
    assert Step.objects.count() == 2 and Choice.objects.count() == 5


EXTRA_CHOICES = """
[[steps.choices]]
key = "{key}"
text = "Say I am busy and hang up"
text_zh_hans = "说我在忙，挂断电话"
feedback = "Ending the call is safe."
feedback_zh_hans = "结束通话是安全的。"
ending = "hung-up"
safety = "safe"
"""


def with_extra_choices(text):
    at = text.index('[[steps]]\nkey = "code"')
    extra = EXTRA_CHOICES.format(key="busy") + EXTRA_CHOICES.format(key="later")
    return text[:at] + extra.lstrip() + "\n" + text[at:]


def test_a_choice_leaving_its_file_goes_unless_a_run_took_it(tmp_path):
    call_command(
        "load_content", path=copy_content(tmp_path, with_extra_choices), verbosity=0
    )
    simulation = Simulation.objects.get()
    busy = Choice.objects.get(key="busy")
    run = play(simulation, [busy])
    call_command("load_content", path=CONTENT, verbosity=0)
    # The choice a learner made stays for their debrief; the other goes.
    assert set(
        Choice.objects.filter(step__key="call").values_list("key", flat=True)
    ) == {
        "hang-up",
        "confirm",
        "busy",
    }
    assert run.turns.get().choice == busy


def test_a_file_is_checked_before_anything_is_written(tmp_path):
    load_fixture()
    # Without its one way in, "code" cannot be reached, nor its endings.
    folder = copy_content(
        tmp_path, lambda text: text.replace('next = "code"', 'ending = "stopped"')
    )
    with pytest.raises(CommandError) as raised:
        call_command("load_content", path=folder, verbosity=0)
    assert "Step “code” cannot be reached." in str(raised.value)
    assert Choice.objects.get(key="confirm").next_step.key == "code"


def test_a_file_that_cannot_be_played_is_refused_naming_the_file(tmp_path):
    folder = copy_content(
        tmp_path, lambda text: text.replace('next = "call"', 'next = "nowhere"')
    )
    with pytest.raises(CommandError) as raised:
        call_command("load_content", path=folder, verbosity=0)
    assert "1-bank-call.toml cannot be played" in str(raised.value)
    assert "Choice “ask-again” of step “code” leads to no step." in str(raised.value)
    assert not Simulation.objects.exists()


def test_a_simulation_needs_a_safe_and_an_unsafe_ending(tmp_path):
    folder = copy_content(
        tmp_path,
        lambda text: text.replace('outcome = "unsafe"', 'outcome = "recovered"'),
    )
    with pytest.raises(CommandError, match="one safe and one unsafe ending"):
        call_command("load_content", path=folder, verbosity=0)


def test_unknown_vocabulary_is_refused_with_the_row_named(tmp_path):
    folder = copy_content(
        tmp_path, lambda text: text.replace('"verification_code"', '"pin"')
    )
    with pytest.raises(CommandError, match="invalid choice “read-code”.*pin"):
        call_command("load_content", path=folder, verbosity=0)
    folder = copy_content(
        tmp_path / "2", lambda text: text.replace('chain = "use"', 'chain = "usage"')
    )
    with pytest.raises(CommandError, match="unknown chain link usage"):
        call_command("load_content", path=folder, verbosity=0)


def test_staff_edits_are_kept_unless_overwritten(tmp_path):
    simulation = load_fixture()
    simulation.title = "Edited by staff"
    simulation.save()
    folder = copy_content(
        tmp_path, lambda text: text.replace("The call from your bank", "Renamed")
    )
    call_command("load_content", path=folder, verbosity=0, stderr=StringIO())
    assert Simulation.objects.get().title == "Edited by staff"
    call_command("load_content", path=folder, verbosity=0, overwrite=True)
    assert Simulation.objects.get().title == "Renamed"


def test_every_real_simulation_loads_and_plays_to_each_of_its_endings():
    """Each file in awareness/content/simulations/ (none until they land)."""
    files = sorted(REAL.glob("*.toml"))
    call_command("load_content", verbosity=0)
    assert Simulation.objects.count() == len(files)
    for file in files:
        slug = tomllib.loads(file.read_text(encoding="utf-8"))["slug"]
        simulation = Simulation.objects.get(slug=slug)
        assert simulation.is_public(), file.name
        assert simulation.graph_problems() == [], file.name
        paths = paths_to_endings(simulation)
        endings = {e.key: e for e in simulation.endings.all()}
        assert set(paths) == set(endings), file.name
        outcomes = {endings[key].outcome for key in paths}
        assert {"safe", "unsafe"} <= outcomes, file.name
        for key, path in paths.items():
            run = play(simulation, path, learner_key=f"{slug}-{key}")
            assert run.ending == endings[key] and run.score == endings[key].score
            assert Run.objects.get(pk=run.pk).is_finished
            for choice in path:
                # Every text a learner reads has its Simplified Chinese.
                assert choice.text_zh_hans and choice.feedback_zh_hans, file.name
