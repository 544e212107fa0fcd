from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from . import views
from .sitemaps import SITEMAPS

# Every page a visitor reads carries its language in the URL (/en/,
# /zh-hans/, /zh-hant/), so that links, bookmarks and search engines keep it.
urlpatterns = [
    path("favicon.ico", views.favicon),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("admin/", admin.site.urls),
    *i18n_patterns(
        path("", views.home, name="home"),
        path("cases/", views.case_study_list, name="case_study_list"),
        path("cases/<slug:slug>/", views.case_study_detail, name="case_study_detail"),
        path(
            "cases/<slug:slug>/leaflet/",
            views.case_study_leaflet,
            name="case_study_leaflet",
        ),
        path("chain/", views.chain, name="chain"),
        path("tips/", views.tip_list, name="tip_list"),
        path("tips/<slug:slug>/", views.tip_detail, name="tip_detail"),
        path("tips/<slug:slug>/leaflet/", views.tip_leaflet, name="tip_leaflet"),
        path("guides/<slug:slug>/", views.guide_detail, name="guide_detail"),
        path("search/", views.search, name="search"),
        path("share/home.png", views.share_image, name="share_image_home"),
        path("share/<str:kind>/<slug:slug>.png", views.share_image, name="share_image"),
        path("about/", views.about, name="about"),
        path("privacy/", views.privacy, name="privacy"),
        path("easy-read/", views.easy_read_switch, name="easy_read"),
        # Per language, so that an installed app starts in the reader's.
        path("manifest.webmanifest", views.manifest, name="manifest"),
        path("", include("quizzes.urls")),
        path("", include("simulations.urls")),
        path("", include("tracks.urls")),
        path("", include("certificates.urls")),
        path("", include("challenges.urls")),
        path("accounts/", include("accounts.urls")),
    ),
]
