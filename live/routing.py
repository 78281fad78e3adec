from django.urls import path

from live.consumers import LiveHostConsumer, LivePlayerConsumer

websocket_urlpatterns = [
    path("ws/live/<str:code>/host/", LiveHostConsumer.as_asgi()),
    path("ws/live/<str:code>/play/", LivePlayerConsumer.as_asgi()),
]
