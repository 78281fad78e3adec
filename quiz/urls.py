from django.urls import path

from quiz import views

app_name = "quiz"

urlpatterns = [
    path("quiz/<slug:slug>/", views.quiz_detail, name="detail"),
    path("quiz/<slug:slug>/start/", views.start, name="start"),
    path("attempts/", views.my_attempts, name="my_attempts"),
    path("attempts/<uuid:attempt_id>/", views.play, name="play"),
    path("attempts/<uuid:attempt_id>/answer/", views.answer, name="answer"),
    path("attempts/<uuid:attempt_id>/hint/", views.hint, name="hint"),
    path("attempts/<uuid:attempt_id>/results/", views.results, name="results"),
    path("attempts/<uuid:attempt_id>/go/", views.go, name="go"),
    path("attempts/<uuid:attempt_id>/flag/", views.flag, name="flag"),
    path("attempts/<uuid:attempt_id>/overview/", views.overview, name="overview"),
    path("attempts/<uuid:attempt_id>/submit/", views.submit, name="submit"),
    path("preview/questions/<int:question_id>/", views.preview, name="preview"),
]
