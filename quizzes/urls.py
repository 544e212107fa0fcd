from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/", views.quiz_list, name="quiz_list"),
    path("quizzes/<slug:slug>/", views.quiz_detail, name="quiz_detail"),
    path("quizzes/<slug:slug>/start/", views.quiz_start, name="quiz_start"),
    path("attempts/<uuid:public_id>/", views.attempt_detail, name="attempt_detail"),
    path(
        "attempts/<uuid:public_id>/finish/", views.attempt_finish, name="attempt_finish"
    ),
    path(
        "attempts/<uuid:public_id>/<int:position>/",
        views.question,
        name="question",
    ),
    path(
        "attempts/<uuid:public_id>/<int:position>/answer/",
        views.answer_question,
        name="answer",
    ),
    path("progress/", views.progress, name="progress"),
    path("review/", views.review, name="review"),
    path("review/start/", views.review_start, name="review_start"),
    path("review/reminder.ics", views.review_reminder, name="review_reminder"),
    path("review/calendar/", views.review_calendar_link, name="review_calendar_link"),
    # The token is a secret: awareness.logs keeps it out of every log line.
    path(
        "review/calendar/<str:token>.ics",
        views.review_calendar,
        name="review_calendar",
    ),
]
