from django.urls import path

from quiz.consumers import AttemptConsumer
from quiz.live.consumers import LiveHostConsumer, LivePlayerConsumer

websocket_urlpatterns = [
    path("ws/attempts/<str:attempt_id>/", AttemptConsumer.as_asgi()),
    path("ws/live/<str:code>/host/", LiveHostConsumer.as_asgi()),
    path("ws/live/<str:code>/play/", LivePlayerConsumer.as_asgi()),
]
