"""Live classroom sockets: one for the host screen, one per player.

Frames are JSON objects from the page's forms (htmx's ws extension): the host sends
``action`` in start/next/reveal/end/kick (with ``player`` for kick); a player sends
``action: "answer"`` with ``question`` and ``choice``. Every change is announced to
the session's group as ``live.changed`` with the new version; each socket then
re-renders its own view from the database. Close code 4403: not the host, not a
player of this session, or kicked.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from cachetools import TTLCache
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from live import batching, events, presenters, services
from live.forms import HostActionForm, LiveAnswerForm
from live.models import LiveSession, Player
from quiz import caches
from quiz.db import database_sync_to_async
from quiz.sockets import GuardedConsumer

logger = logging.getLogger(__name__)

ANSWER_COUNT_COALESCE_SECONDS = 0.25
# A class joins at dozens a second: the host's roster redraws twice a second at most.
JOIN_REDRAW_COALESCE_SECONDS = 0.5
VERSION_MEMO_SECONDS = 1.0
VERSION_MEMO_MAX_SESSIONS = 1000

# session id -> version: the heartbeats' shared answer, per process, for a second.
_recent_versions: TTLCache[int, int] = TTLCache(
    maxsize=VERSION_MEMO_MAX_SESSIONS, ttl=VERSION_MEMO_SECONDS
)
caches.register("live.recent_versions", _recent_versions.clear)
# session id -> the version read in flight, which the room's heartbeats share.
_version_reads: dict[int, asyncio.Future[int]] = {}
# (session id, version) -> the one build of that snapshot the room's sockets wait for.
_snapshot_builds: dict[tuple[int, int], asyncio.Future[Any]] = {}


async def snapshot_built(session_id: int, version: int) -> None:
    """Build a version's snapshot once per process, however many sockets ask at once."""
    key = (session_id, version)
    if presenters.peek_snapshot(session_id, version) is not None:
        return
    build = _snapshot_builds.get(key)
    if build is None or build.get_loop() is not asyncio.get_running_loop():
        build = asyncio.ensure_future(
            database_sync_to_async(presenters.snapshot_at)(session_id, version)
        )
        _snapshot_builds[key] = build
        build.add_done_callback(lambda done: _snapshot_builds.pop(key, None))
    # Shielded: a socket closing while it waits must not cancel the others' build.
    await asyncio.shield(build)


class LiveConsumer(GuardedConsumer):
    session: LiveSession
    rejoins_every_beat = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.joined_groups: list[str] = []
        self.shown_version: int | None = None
        self.heartbeat: asyncio.Task[None] | None = None

    def render_notice(self, message: str) -> str:
        return presenters.render_player_notice(message)

    async def join_groups(self, *groups: str) -> None:
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined_groups.append(group)
        if self.heartbeat is None:
            self.heartbeat = asyncio.create_task(self.keep_in_sync())

    async def disconnect(self, code: int) -> None:
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        for group in self.joined_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.joined_groups.clear()

    async def keep_in_sync(self) -> None:
        """Redraw if a change went unheard, and rejoin the groups then.

        A restarted Redis forgets every group membership, and an announcement sent
        while it was down is lost; the state is in the database, so this heals both.
        A player's screen behind its session's version is the sign of either: only then
        are its groups joined again (a room's players rejoining on every beat were a Redis
        round trip per group and socket, for nothing). A host rejoins on every beat: its
        answer counts change no version, and a room has one host.
        """
        interval = settings.LIVE_HEARTBEAT_SECONDS
        await asyncio.sleep(random.uniform(0, interval))  # noqa: S311 - spreading load
        while True:
            try:
                behind = await self.current_version() != self.shown_version
                if behind or self.rejoins_every_beat:
                    for group in self.joined_groups:
                        await self.channel_layer.group_add(group, self.channel_name)
                if behind:
                    await self.resync()
                await self.on_heartbeat()
            except Exception:
                logger.warning("live heartbeat failed on %s", self.scope.get("path"), exc_info=True)
            await asyncio.sleep(interval)

    async def current_version(self) -> int:
        # Every socket's heartbeat asks; within a second one query answers a whole room.
        known = _recent_versions.get(self.session.pk)
        if known is not None:
            return known
        # And the heartbeats that come while it is read share that one read.
        read = _version_reads.get(self.session.pk)
        if read is None or read.get_loop() is not asyncio.get_running_loop():
            read = asyncio.ensure_future(
                database_sync_to_async(presenters.current_version)(self.session.pk)
            )
            _version_reads[self.session.pk] = read
            read.add_done_callback(lambda _: _version_reads.pop(self.session.pk, None))
        version: int = await asyncio.shield(read)
        known = _recent_versions.get(self.session.pk)
        if known is None or known <= version:  # a slower, older read must not win
            _recent_versions[self.session.pk] = version
        return version

    async def resync(self) -> None:
        raise NotImplementedError

    async def on_heartbeat(self) -> None:
        pass

    def page_is_current(self, session: LiveSession) -> bool:
        """Whether the page that opened this socket already shows this version.

        Redrawing a page that is already right would swap its buttons out from under
        a finger or the keyboard focus; a reconnect after changes carries an older
        version and gets the redraw.
        """
        shown = parse_qs(self.scope.get("query_string", b"").decode()).get("v", [""])[0]
        if shown.isascii() and shown.isdigit() and int(shown) == session.version:
            self.shown_version = session.version
            return True
        return False

    async def redraw(self, event: dict[str, Any]) -> None:
        await self.resync()

    async def live_changed(self, event: dict[str, Any]) -> None:
        try:
            await self.redraw(event)
        except Exception:
            # The database may be out of reach for a moment: say so, keep the socket;
            # the heartbeat redraws once it is back (the shown version is behind).
            logger.exception("live redraw failed on %s", self.scope.get("path"))
            await self.send(
                text_data=self.render_notice(
                    _(
                        "Live updates are delayed; nothing is lost. "
                        "This screen catches up by itself."
                    )
                )
            )

    @database_sync_to_async
    def load_session(self) -> LiveSession | None:
        try:
            return services.get_open_session(self.scope["url_route"]["kwargs"]["code"])
        except services.SessionNotFound:
            return None

    async def reveal_if_due(self) -> bool:
        """Close the question if its time is up or all have answered (announced by the
        service); True only when this call did it."""
        return await events.delivered_after(self._reveal_if_due())

    @database_sync_to_async
    def _reveal_if_due(self) -> bool:
        return services.reveal_if_due(LiveSession.objects.get(pk=self.session.pk))


class LiveHostConsumer(LiveConsumer):
    rejoins_every_beat = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timer: asyncio.Task[None] | None = None
        self.count_task: asyncio.Task[None] | None = None
        self.join_task: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        await self.accept()
        session = await self.load_session()
        if session is None:
            await self.refuse("no open session with that code")
            return
        if not await self.may_control(session):
            await self.refuse("host socket of someone who may not control this session")
            return
        self.session = session
        await self.join_groups(events.group_for(session.pk), events.host_group_for(session.pk))
        if self.page_is_current(session):
            self.schedule_reveal(session)
        else:
            await self.send_view()

    @database_sync_to_async
    def may_control(self, session: LiveSession) -> bool:
        return services.is_host(session=session, actor=self.scope.get("user"))

    async def disconnect(self, code: int) -> None:
        for task in (self.timer, self.count_task, self.join_task):
            if task is not None:
                task.cancel()
        await super().disconnect(code)

    async def handle(self, frame: dict[str, Any]) -> str | None:
        action = HostActionForm(frame).validated()
        await events.delivered_after(self.act(action["action"], action["player"]))
        return None  # our own view arrives with the announcement, like everybody's

    @database_sync_to_async
    def act(self, action: services.HostAction, player_id: int | None) -> LiveSession:
        return services.perform_host_action(
            session=self.session, actor=self.scope.get("user"), action=action, player_id=player_id
        )

    async def on_heartbeat(self) -> None:
        # The last answer's announcement may have gone unheard (Redis restarted): the
        # question then closes on the next beat instead of at its deadline.
        if self.session.state == LiveSession.State.QUESTION:
            await self.reveal_if_due()

    async def live_answered(self, event: dict[str, Any]) -> None:
        # Hundreds of answers land within a second: refresh the count a few times
        # a second from a background task, never once per answer.
        if self.count_task is None or self.count_task.done():
            self.count_task = asyncio.create_task(self.refresh_count_soon())

    async def live_joined(self, event: dict[str, Any]) -> None:
        if self.join_task is None or self.join_task.done():
            self.join_task = asyncio.create_task(self.redraw_soon())

    async def redraw_soon(self) -> None:
        await asyncio.sleep(JOIN_REDRAW_COALESCE_SECONDS)
        await self.live_changed({"type": "live.changed"})

    async def refresh_count_soon(self) -> None:
        await asyncio.sleep(ANSWER_COUNT_COALESCE_SECONDS)
        try:
            if not await self.reveal_if_due():
                await self.send(text_data=await self.render_count())
        except Exception:
            logger.exception("answer count refresh failed for session %s", self.session.pk)

    async def send_view(self) -> None:
        session, html = await self.render_view()
        self.session, self.shown_version = session, session.version
        await self.send(text_data=html)
        self.schedule_reveal(session)

    async def resync(self) -> None:
        await self.send_view()

    @database_sync_to_async
    def render_view(self) -> tuple[LiveSession, str]:
        session = LiveSession.objects.select_related("quiz").get(pk=self.session.pk)
        return session, presenters.render_host(session)

    @database_sync_to_async
    def render_count(self) -> str:
        return presenters.render_answer_count(self.session)

    def schedule_reveal(self, session: LiveSession) -> None:
        """Close the question when its timer runs out, on the server's clock."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if session.state != LiveSession.State.QUESTION or session.question_deadline is None:
            return
        closes = session.question_deadline + services.ANSWER_GRACE
        delay = (closes - timezone.now()).total_seconds()
        self.timer = asyncio.create_task(self.reveal_at_deadline(max(delay, 0.0)))

    async def reveal_at_deadline(self, delay: float) -> None:
        await asyncio.sleep(delay + 0.05)
        try:
            await self.reveal_if_due()
        except Exception:
            logger.exception("automatic reveal failed for session %s", self.session.pk)


class LivePlayerConsumer(LiveConsumer):
    player: Player
    closes_at: datetime | None = None

    def note_deadline(self, session: LiveSession) -> None:
        """When the question on this screen closes. The host screen watches the clock,
        but it may be closed; then the players' heartbeats close the question."""
        self.closes_at = (
            session.question_deadline + services.ANSWER_GRACE
            if session.state == LiveSession.State.QUESTION and session.question_deadline
            else None
        )

    async def on_heartbeat(self) -> None:
        if self.closes_at is None or timezone.now() < self.closes_at:
            return
        await self.reveal_if_due()  # one query when another did it first
        self.closes_at = None

    async def connect(self) -> None:
        await self.accept()
        player = await self.load_player()
        if player is None:
            await self.refuse("not a player of this session")
            return
        if player.kicked:
            await self.refuse("kicked player")
            return
        session = player.session
        self.session, self.player = session, player
        self.note_deadline(session)
        # A class joins in the lobby, where nobody has answered and nothing is due: a
        # thousand arrivals then cost one query each.
        in_lobby = session.state == LiveSession.State.LOBBY
        self.answered_ids = set() if in_lobby else await self.load_answered_ids()
        await self.join_groups(events.group_for(session.pk), events.player_group_for(player.pk))
        # Nobody may be watching the clock (the host screen closed): check on arrival.
        # Revealing redraws every screen, this one too.
        revealed = not in_lobby and await self.reveal_if_due()
        if not revealed and not self.page_is_current(session):
            await self.send_view()

    @database_sync_to_async
    def load_player(self) -> Player | None:
        return services.player_in_open_session(
            code=self.scope["url_route"]["kwargs"]["code"], session_key=self.session_key()
        )

    @database_sync_to_async
    def load_answered_ids(self) -> set[int]:
        return set(self.player.answers.values_list("question_id", flat=True))

    async def handle(self, frame: dict[str, Any]) -> str | None:
        received_at = timezone.now()
        action = frame.get("action")
        if action in services.HostAction.values:
            logger.warning("player %s sent host action %r", self.player.pk, action)
            raise services.NotAllowed()
        if action != "answer":
            raise services.LiveError(gettext_lazy("Unknown action."))
        answer = LiveAnswerForm(frame).validated()
        request = services.AnswerRequest(
            self.player.pk, answer["question"], answer["choice"], received_at
        )
        acknowledged = await batching.batcher_for(self.session.pk).submit(request)
        self.answered_ids.add(acknowledged.question_id)
        return acknowledged.html

    async def live_kicked(self, event: dict[str, Any]) -> None:
        self.player.kicked = True
        await self.send_view()
        await self.refuse("kicked by the host")

    async def redraw(self, event: dict[str, Any]) -> None:
        # The announcement carries the version, so a thousand players render from the
        # one cached snapshot of it without a query each.
        await self.send_view(version=event["version"])

    async def send_view(self, version: int | None = None) -> None:
        html = None
        if version is not None:
            await snapshot_built(self.session.pk, version)
            html = self.render_from_memory(version)
        if version is None or html is None:
            version, html = await self.render_view(version)
        self.shown_version = version
        if (built := presenters.peek_snapshot(self.session.pk, version)) is not None:
            self.note_deadline(built[0].session)
        await self.send(text_data=html)

    def render_from_memory(self, version: int) -> str | None:
        """This version's screen, rendered on the event loop when this process already
        built its snapshot: a reveal to a thousand phones then takes no thread hop each.
        None when the database is needed."""
        built = presenters.peek_snapshot(self.session.pk, version)
        if built is None:
            return None
        snapshot = built[0]
        question = snapshot.question
        if snapshot.session.state == LiveSession.State.QUESTION and (
            question is not None and question.pk in self.answered_ids
        ):
            return None  # their own answer is on the screen, and it is read from the database
        return presenters.render_player(
            session_id=self.session.pk,
            version=version,
            player=self.player,
            answered_ids=self.answered_ids,
            built=built,
        )

    async def resync(self) -> None:
        await self.send_view()

    @database_sync_to_async
    def render_view(self, version: int | None) -> tuple[int, str]:
        if version is None:
            version = presenters.current_version(self.session.pk)
        html = presenters.render_player(
            session_id=self.session.pk,
            version=version,
            player=self.player,
            answered_ids=self.answered_ids,
        )
        return version, html
