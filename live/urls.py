from django.urls import path

from live import views

app_name = "live"

urlpatterns = [
    path("join", views.join, name="join"),
    path("live/", views.index, name="index"),
    path("live/new/", views.create, name="create"),
    path("live/<str:code>/host/", views.host, name="host"),
    path("live/<str:code>/host/action/", views.host_action, name="host_action"),
    path("live/<str:code>/play/", views.play, name="play"),
    path("live/<str:code>/answer/", views.answer, name="answer"),
]
