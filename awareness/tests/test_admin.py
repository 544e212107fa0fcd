import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from awareness.models import CaseStudy, ChainLink, Guide, PrecautionTip, Source

from .factories import (
    make_case_study,
    make_figure,
    make_link,
    make_role,
    make_source,
    make_tip,
)

pytestmark = pytest.mark.django_db

MODELS = [CaseStudy, PrecautionTip, ChainLink, Guide, Source]


def _url(model, view, *args):
    return reverse(f"admin:awareness_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS)
def test_changelist_add_and_search_pages_work(superuser_client, model):
    assert superuser_client.get(_url(model, "changelist")).status_code == 200
    assert superuser_client.get(_url(model, "add")).status_code == 200
    for query in ("courier", "'\"%_\\", "快递", "nul\x00byte"):
        response = superuser_client.get(_url(model, "changelist"), {"q": query})
        assert response.status_code == 200


@pytest.mark.parametrize("status", ["live", "scheduled", "draft", "bogus"])
def test_status_filter_never_fails(superuser_client, status):
    make_case_study()
    response = superuser_client.get(_url(CaseStudy, "changelist"), {"status": status})
    assert response.status_code == 200


def test_case_change_page_has_inlines_and_view_on_site(superuser_client):
    source = make_source()
    case_study = make_case_study(sources=[source])
    make_role(case_study=case_study, link=make_link())
    make_figure(case_study=case_study, source=source)
    response = superuser_client.get(_url(CaseStudy, "change", case_study.pk))
    assertContains(response, "Roles in the chain")
    assertContains(response, "Key figures")
    assertContains(response, "View on site")


def test_publish_and_unpublish_actions(superuser_client):
    draft = make_case_study(is_published=False)
    superuser_client.post(
        _url(CaseStudy, "changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_published
    superuser_client.post(
        _url(CaseStudy, "changelist"),
        {"action": "unpublish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert not draft.is_published


def test_chain_link_page_lists_roles_from_cases(superuser_client):
    link = make_link()
    make_role(case_study=make_case_study(), link=link, actor="Courier insiders")
    response = superuser_client.get(_url(ChainLink, "change", link.pk))
    assertContains(response, "Courier insiders")


def test_saving_a_case_in_the_admin_marks_it_edited(superuser_client):
    case_study = make_case_study(slug="case")
    CaseStudy.objects.filter(pk=case_study.pk).update(loaded_at=case_study.updated_at)
    response = superuser_client.get(_url(CaseStudy, "change", case_study.pk))
    assert response.status_code == 200
    case_study.refresh_from_db()
    case_study.title = "Edited"
    case_study.save()
    assert case_study.is_edited_since_load()


DATES_POSTGRESQL_CANNOT_READ = [
    ("published_at_0", "0001-01-01"),
    ("published_at_0", "9999-12-31"),
    ("last_verified", "0001-01-01"),
    ("last_verified", "9999-12-31"),
]


@pytest.mark.parametrize(("field", "value"), DATES_POSTGRESQL_CANNOT_READ)
def test_an_editor_saving_a_date_out_of_range_gets_a_form_error(
    editor_client, editor, field, value
):
    from .fuzzing import admin_fields

    tip = make_tip(slug="tip")
    _obj, data = admin_fields(PrecautionTip, editor, tip)
    assert (
        editor_client.post(_url(PrecautionTip, "change", tip.pk), data).status_code
        == 302
    )
    data[field] = value
    if field == "published_at_0":
        data["published_at_1"] = "23:59:59" if value.startswith("9") else "00:00:00"
    response = editor_client.post(_url(PrecautionTip, "change", tip.pk), data)
    assertContains(response, "Enter a date between the years 2000 and")
    tip.refresh_from_db()
    assert tip.published_at.year >= 2000
    assert tip.last_verified.year >= 2000
    for url in (
        reverse("home"),
        reverse("tip_list"),
        reverse("search") + "?q=tip",
        _url(PrecautionTip, "changelist"),
    ):
        assert editor_client.get(url).status_code == 200, url


def test_a_source_may_be_an_older_publication_but_not_year_one(superuser_client):
    from .fuzzing import admin_fields

    source = make_source(slug="old")
    user = superuser_client.get(reverse("admin:index")).wsgi_request.user
    _obj, data = admin_fields(Source, user, source)
    data["published_on"] = "1987-06-01"
    assert (
        superuser_client.post(_url(Source, "change", source.pk), data).status_code
        == 302
    )
    data["published_on"] = "0001-01-01"
    response = superuser_client.post(_url(Source, "change", source.pk), data)
    assertContains(response, "Enter a date between the years 1900 and")


@pytest.mark.parametrize(
    "term", ["\x00", "a\x00b", "tip\x00' OR 1=1 --"], ids=["nul", "inner", "sql"]
)
def test_admin_lookups_with_nul_answer_without_failing(superuser_client, term):
    make_tip(slug="tip")
    response = superuser_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "quizzes",
            "model_name": "question",
            "field_name": "tip",
            "term": term,
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == []
    from django.contrib import admin

    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        url = reverse("admin:{}_{}_changelist".format(*info))
        assert superuser_client.get(url, {"q": term}).status_code < 500, url


def test_an_editor_saving_nul_in_a_title_gets_a_form_error(editor_client, editor):
    from .fuzzing import admin_fields

    tip = make_tip(slug="tip", title="Tip")
    _obj, data = admin_fields(PrecautionTip, editor, tip)
    data["title_en"] = "Tip\x00"
    response = editor_client.post(_url(PrecautionTip, "change", tip.pk), data)
    assertContains(response, "Null characters are not allowed.")
    tip.refresh_from_db()
    assert tip.title == "Tip"
