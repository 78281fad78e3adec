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
    path("preview/questions/<int:question_id>/", views.preview, name="preview"),
]
