from django.urls import path

from . import views

app_name = "tracks"

urlpatterns = [
    path("tracks/", views.track_list, name="track_list"),
    path("tracks/<slug:slug>/", views.track_detail, name="track_detail"),
    path("tracks/<slug:slug>/check/", views.check_start, name="check_start"),
    path("tracks/checks/<uuid:public_id>/", views.check_result, name="check_result"),
]
