from django.urls import path

from . import views

app_name = "challenges"

urlpatterns = [
    path("attempts/<uuid:public_id>/pass-it-on/", views.create, name="create"),
    path("pass-it-on/", views.mine, name="mine"),
    path("pass-it-on/<str:token>/delete/", views.delete, name="delete"),
    # Short, for reading out or typing from a leaflet.
    path("c/<str:token>/", views.open_challenge, name="open"),
]
