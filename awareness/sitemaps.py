from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from quizzes.models import Quiz
from simulations.models import Simulation
from tracks.models import Track

from .models import CaseStudy, Guide, PrecautionTip


class PublicSitemap(Sitemap):
    # One entry per language, with hreflang alternates, once there are more.
    i18n = True
    alternates = True
    x_default = True

    # The site's own address, not the request's Host (settings.SITE_URL).
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PageSitemap(PublicSitemap):
    """The site's fixed public pages."""

    changefreq = "monthly"

    def items(self):
        return [
            "home",
            "case_study_list",
            "chain",
            "tip_list",
            "quizzes:quiz_list",
            "simulations:list",
            "tracks:track_list",
            "about",
            "privacy",
        ]

    def location(self, item):
        return reverse(item)


class ContentSitemap(PublicSitemap):
    """Published items of one kind, dated by their last change."""

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": PageSitemap(),
    "cases": ContentSitemap(CaseStudy),
    "tips": ContentSitemap(PrecautionTip),
    "guides": ContentSitemap(Guide),
    "quizzes": ContentSitemap(Quiz),
    "simulations": ContentSitemap(Simulation),
    "tracks": ContentSitemap(Track),
}
