"""quizsite's ASGI application with Django's own HTTP handler instead of
quizsite/handlers.py's: the benchmark that decides whether that workaround stays.

    daphne bench.django_asgi:application
"""

import os

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from quizsite.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
