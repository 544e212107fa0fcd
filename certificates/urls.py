from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("attempts/<uuid:public_id>/certificate/", views.issue, name="issue"),
    path("certificates/<str:code>/", views.detail, name="detail"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
