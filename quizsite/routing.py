from live.routing import websocket_urlpatterns as live_patterns
from quiz.routing import websocket_urlpatterns as quiz_patterns

websocket_urlpatterns = [*quiz_patterns, *live_patterns]
