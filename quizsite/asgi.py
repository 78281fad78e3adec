"""ASGI entry point: HTTP goes to Django (but the lab's two wait endpoints), WebSockets to
the Channels consumers."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")
# Django must be set up before the consumers import models.
django.setup(set_prefix=False)

from lab.endpoints import LabEndpoints  # noqa: E402
from quizsite.handlers import OneHopASGIHandler  # noqa: E402

django_asgi_app = OneHopASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from quizsite.origins import SameOriginValidator  # noqa: E402
from quizsite.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # The lab's two endpoints wait on the event loop, before Django (lab/endpoints.py).
        "http": LabEndpoints(django_asgi_app),
        # In place of channels' AllowedHostsOriginValidator, which compares the Origin's
        # host name only: this one compares scheme and port too (quizsite/origins.py).
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
