from django.urls import path

from quiz.consumers import AttemptConsumer

websocket_urlpatterns = [
    path("ws/attempts/<str:attempt_id>/", AttemptConsumer.as_asgi()),
]
