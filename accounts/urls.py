from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import views
from .forms import NewPasswordForm

app_name = "accounts"


def form_page(title, **kwargs):
    return {
        "template_name": "accounts/form.html",
        "extra_context": {"title": title},
        **kwargs,
    }


def farewell(title, message):
    return TemplateView.as_view(
        template_name="accounts/message.html",
        extra_context={"title": title, "message": message, "farewell": True},
    )


urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("join/", views.join_progress_choice, name="join_progress"),
    path("data/", views.my_data, name="my_data"),
    path("data/export/", views.export_data, name="export_data"),
    path("details/", views.account_details, name="details"),
    path("delete/", views.delete_account, name="delete"),
    path(
        "deleted/",
        farewell(
            _("Your account is deleted"),
            _(
                "Your account and everything linked to it are gone, and you are "
                "signed out. Finished quizzes remain only as anonymous results "
                "that nothing links to you."
            ),
        ),
        name="deleted",
    ),
    path("forget/", views.forget_me, name="forget"),
    path(
        "forgotten/",
        farewell(
            _("This browser is forgotten"),
            _(
                "Your quiz progress is gone and your session has ended. Finished "
                "quizzes remain only as anonymous results that nothing links to "
                "you."
            ),
        ),
        name="forgotten",
    ),
    path("login/", views.SigninView.as_view(), name="login"),
    path("logout/", views.SignoutView.as_view(), name="logout"),
    path(
        "password/change/",
        views.PasswordChangeView.as_view(
            **form_page(
                _("Change your password"),
                success_url=reverse_lazy("accounts:password_change_done"),
            )
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/message.html",
            extra_context={
                "title": _("Password changed"),
                "message": _("Your new password is in use."),
            },
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(
            **form_page(
                _("Reset your password"),
                email_template_name="accounts/password_reset_email.txt",
                subject_template_name="accounts/password_reset_subject.txt",
                success_url=reverse_lazy("accounts:password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            **form_page(
                _("Choose a new password"),
                form_class=NewPasswordForm,
                success_url=reverse_lazy("accounts:password_reset_complete"),
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/message.html",
            extra_context={
                "title": _("Password reset"),
                "message": _("Your password has been set. You can sign in now."),
            },
        ),
        name="password_reset_complete",
    ),
]
