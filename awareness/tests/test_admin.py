import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from awareness.models import CaseStudy, ChainLink, Guide, PrecautionTip, Source

from .factories import make_case_study, make_figure, make_link, make_role, make_source

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
