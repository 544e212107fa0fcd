from django.urls import path

from . import views

app_name = "simulations"

urlpatterns = [
    path("simulations/", views.simulation_list, name="list"),
    path("simulations/<slug:slug>/", views.simulation_detail, name="detail"),
    path("simulations/<slug:slug>/start/", views.simulation_start, name="start"),
    path("simulations/runs/<uuid:run_id>/", views.run_step, name="run"),
    path(
        "simulations/runs/<uuid:run_id>/turns/<int:position>/",
        views.run_choose,
        name="choose",
    ),
    path("simulations/runs/<uuid:run_id>/debrief/", views.run_debrief, name="debrief"),
]
