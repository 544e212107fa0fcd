import pytest
from django.contrib.auth import get_user_model
from pytest_django.asserts import assertContains, assertNotContains

from certificates.models import Certificate, normalise_code
from quizzes.models import Attempt
from quizzes.tests.factories import make_question, make_quiz

pytestmark = pytest.mark.django_db


def finished_attempt(user, *, right=True):
    quiz = make_quiz(title="Suspicious calls", pass_mark=50)
    make_question(quiz)
    attempt = Attempt.objects.start(quiz=quiz, user=user, learner_key="")
    for answer in attempt.answers.select_related("question"):
        choices = [c for c in answer.question.choices.all() if c.is_correct == right]
        answer.record(choices)
    attempt.finish()
    return attempt


@pytest.fixture
def learner(client):
    user = get_user_model().objects.create_user("mei", password="a-long-password-1")
    client.force_login(user)
    return user


def issue(client, attempt):
    return client.post(f"/en/attempts/{attempt.public_id}/certificate/")


def test_a_pass_earns_one_certificate_that_anyone_can_verify(client, learner):
    attempt = finished_attempt(learner)
    response = issue(client, attempt)
    certificate = Certificate.objects.get()
    assert response.url == f"/en/certificates/{certificate.code}/"
    # Asking again gives the same certificate, not a second one.
    assert issue(client, attempt).url == response.url
    assert Certificate.objects.count() == 1
    page = client.get(response.url)
    assertContains(page, "Suspicious calls")
    assertContains(page, certificate.display_code)
    # The header names whoever is signed in; the certificate names nobody.
    html = page.content.decode()
    start = html.index('<section class="certificate"')
    assert "mei" not in html[start : html.index("</section>", start)]
    other = client.__class__()
    check = other.get(f"/en/verify/{certificate.code.lower()}/")
    assertContains(check, "Genuine certificate")
    assertContains(check, "Suspicious calls")
    assertNotContains(check, "mei")


def test_a_fail_or_someone_elses_attempt_earns_nothing(client, learner):
    failed = finished_attempt(learner, right=False)
    assert issue(client, failed).url == failed.get_absolute_url()
    stranger = get_user_model().objects.create_user("x", password="a-long-password-2")
    theirs = finished_attempt(stranger)
    assert issue(client, theirs).status_code == 404
    assert not Certificate.objects.exists()


def test_a_typed_name_is_printed_escaped_and_never_stored(client, learner):
    issue(client, finished_attempt(learner))
    certificate = Certificate.objects.get()
    url = certificate.get_absolute_url()
    page = client.post(url, {"name": "<b>Grandma Li</b>"})
    assertContains(page, "&lt;b&gt;Grandma Li&lt;/b&gt;")
    assert page["Cache-Control"].startswith("max-age=0")
    assertNotContains(client.get(url), "Grandma Li")
    assert "Grandma" not in str(Certificate.objects.values().get())


def test_an_unknown_code_says_so_and_the_form_accepts_typed_codes(client):
    response = client.get("/en/verify/0000-0000-0000/")
    assertContains(response, "No certificate has this code", status_code=404)
    typed = client.get("/en/verify/", {"code": " 7kq2-m9xd-4tbo "})
    assert typed.url == "/en/verify/7KQ2M9XD4TB0/"
    assertContains(client.get("/en/verify/"), 'name="code"')


def test_codes_read_the_same_however_they_are_typed():
    assert normalise_code(" 7kq2-m9xd-4tbo ") == "7KQ2M9XD4TB0"
    assert normalise_code("il") == "11"


def test_erasing_the_learner_keeps_the_certificate_true(client, learner):
    issue(client, finished_attempt(learner))
    certificate = Certificate.objects.get()
    learner.delete()
    assertContains(client.get(certificate.get_verify_url()), "Genuine certificate")


def test_verifying_takes_one_query(client, django_assert_num_queries):
    user = get_user_model().objects.create_user("z", password="a-long-password-3")
    certificate = Certificate.objects.issue(finished_attempt(user))
    with django_assert_num_queries(1):
        client.get(certificate.get_verify_url())
