"""An experiment for docs/performance.md: WhiteNoise without the thread hops under ASGI.

WhiteNoiseMiddleware is sync-only, so under ASGI Django runs it through
sync_to_async and the rest of the stack through async_to_sync: extra thread
switches on every request, static or not. This subclass is async-capable: the
file lookup is a dict get on the event loop, and only a static file's response is
built in a thread. Used only when BENCH_ASYNC_STATIC=1 (bench/prod_settings.py),
to measure the suggestion before the app adopts it.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import markcoroutinefunction, sync_to_async
from whitenoise.middleware import WhiteNoiseMiddleware


class AsyncWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    sync_capable = False
    async_capable = True

    def __init__(self, get_response: Any = None, **kwargs: Any) -> None:
        super().__init__(get_response, **kwargs)
        markcoroutinefunction(self)

    async def __call__(self, request: Any) -> Any:
        if self.autorefresh:
            static_file = await sync_to_async(self.find_file)(request.path_info)
        else:
            static_file = self.files.get(request.path_info)
        if static_file is not None:
            return await sync_to_async(self.serve)(static_file, request)
        return await self.get_response(request)
