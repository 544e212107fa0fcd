from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_study_list, name="case_study_list"),
    path("cases/<slug:slug>/", views.case_study_detail, name="case_study_detail"),
    path("chain/", views.chain, name="chain"),
    path("tips/", views.tip_list, name="tip_list"),
    path("tips/<slug:slug>/", views.tip_detail, name="tip_detail"),
    path("guides/<slug:slug>/", views.guide_detail, name="guide_detail"),
    path("search/", views.search, name="search"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
    path("favicon.ico", views.favicon),
    path("healthz", views.healthz, name="healthz"),
    path("", include("quizzes.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
