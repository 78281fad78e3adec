"""Live classroom pages. Buttons also work as plain forms when the socket is not there."""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import get_usage

from live import presenters, qr, roles, services
from live.forms import HostActionForm, JoinForm, LiveAnswerForm, LiveSessionForm
from live.models import NICKNAME_MAX_LENGTH, LiveSession, Player
from quiz import clients
from quiz.browser import session_key
from quiz.ids import parse_pk

logger = logging.getLogger(__name__)


def instructor_required(view: Any) -> Any:
    """Staff (else the admin's sign-in) with the permission to host (else 403)."""
    return staff_member_required(permission_required(roles.HOST, raise_exception=True)(view))


def _join_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("live:join"))


def _hosted_session(request: HttpRequest, code: str) -> LiveSession:
    """The open session with this code, if this instructor may control it (else 403)."""
    try:
        session = services.get_open_session(code)
    except services.SessionNotFound:
        raise Http404(services.SessionNotFound.message) from None
    if not services.is_host(session=session, actor=request.user):
        logger.warning("host page of session %s refused to user %s", code, request.user.pk)
        raise PermissionDenied(services.NotAllowed.message)
    return session


def _index_page(request: HttpRequest, form: LiveSessionForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "live/index.html",
        {
            "form": form,
            "open_sessions": services.sessions_run_by(request.user),
            "join_url": _join_url(request),
        },
        status=status,
    )


@instructor_required
def index(request: HttpRequest) -> HttpResponse:
    initial = {}
    if (quiz_id := parse_pk(request.GET.get("quiz", ""))) is not None:
        initial["quiz"] = quiz_id
    return _index_page(request, LiveSessionForm(initial=initial))


@instructor_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    form = LiveSessionForm(request.POST)
    if not form.is_valid():
        return _index_page(request, form, status=400)
    try:
        session = services.create_session(host=request.user, **form.cleaned_data)
    except services.LiveError as error:
        form.add_error(None, error.message)
        return _index_page(request, form, status=400)
    return redirect(session)


@instructor_required
def host(request: HttpRequest, code: str) -> HttpResponse:
    session = _hosted_session(request, code)
    # The code filled in: a phone that scans it lands on the nickname.
    join_link = f"{_join_url(request)}?{urlencode({'code': session.join_code})}"
    return render(
        request,
        "live/host.html",
        {
            "session": session,
            "join_url": _join_url(request),
            "join_qr": qr.join_qr_svg(join_link),
            "fragments": presenters.render_host(session, request=request, oob=False),
        },
    )


@instructor_required
@require_POST
def host_action(request: HttpRequest, code: str) -> HttpResponse:
    session = _hosted_session(request, code)
    try:
        action = HostActionForm(request.POST).validated()
        session = services.perform_host_action(
            session=session, actor=request.user, action=action["action"], player_id=action["player"]
        )
    except services.LiveError as error:
        messages.error(request, error.message)
        return redirect(session)
    if session.ended_at is not None:
        return redirect("live:index")
    return redirect(session)


# A long-lived random id for the browser, apart from its Django session: a player the
# host kicked cannot clear the session cookie and come back under another name.
DEVICE_COOKIE = "quizsite_device"
DEVICE_SALT = "live.device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 365


def _device_key(request: HttpRequest) -> str:
    key = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT)
    return key if key and len(key) <= 64 else secrets.token_urlsafe(24)


def _limited(request: HttpRequest, *, group: str, key: str, rate: str, count: bool) -> bool:
    """Whether `key` used up `rate`: counting this request (`count`), or only asking."""
    usage = get_usage(request, group=group, key=lambda *_: key, rate=rate, increment=count)
    if usage is None:  # a rate of None: no limit
        return False
    used: int = usage["count"]
    limit: int = usage["limit"]
    return used > limit if count else used >= limit


def _wrong_codes_limited(request: HttpRequest, *, count: bool = False) -> bool:
    return _limited(
        request,
        group="live.join.wrong-code",
        key=clients.address(request),
        rate=settings.RATELIMIT_JOIN,
        count=count,
    )


def _refuse_rate(request: HttpRequest, what: str) -> str:
    # Both: behind nginx the peer is nginx itself, and without it X-Real-IP is the
    # client's own claim.
    logger.warning(
        "join rate limit hit from %s (X-Real-IP %s): %s",
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_REAL_IP", "-"),
        what,
    )
    if what == "room":
        return _("Too many players joined this room from your network just now; wait a minute.")
    return _("Too many join attempts from this network; wait a minute and try again.")


def _join(request: HttpRequest, device_key: str) -> tuple[Player | None, str, int]:
    """The player joined, or the message and status to show on the form again."""
    if _wrong_codes_limited(request):
        return None, _refuse_rate(request, "wrong codes"), 429
    try:
        joining = JoinForm(request.POST).validated()
    except services.SessionNotFound as refusal:
        _wrong_codes_limited(request, count=True)  # six digits: guessable, so counted
        logger.info("join refused: %s", refusal.code)
        return None, str(refusal.message), 400
    except services.LiveError as refusal:
        logger.info("join refused: %s", refusal.code)
        return None, str(refusal.message), 400
    session: LiveSession = joining["code"]
    room_key = f"{clients.address(request)}:{session.pk}"
    rate = settings.RATELIMIT_JOIN_ROOM
    if _limited(request, group="live.join.room", key=room_key, rate=rate, count=True):
        return None, _refuse_rate(request, "room"), 429
    try:
        player = services.join(
            session=session,
            nickname=joining["nickname"],
            session_key=session_key(request, create=True) or "",
            device_key=device_key,
        )
    except services.LiveError as refusal:
        logger.info("join refused: %s session=%s", refusal.code, session.join_code)
        return None, str(refusal.message), 400
    return player, "", 200


@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("code", request.GET.get("code", ""))
    nickname = request.POST.get("nickname", "")
    device_key = _device_key(request)
    player, error, status = (
        _join(request, device_key) if request.method == "POST" else (None, "", 200)
    )
    response: HttpResponse
    if player is not None:
        response = redirect("live:play", code=player.session.join_code)
    else:
        context = {
            "code": code,
            "nickname": nickname,
            "error": error,
            "nickname_max": NICKNAME_MAX_LENGTH,
        }
        response = render(request, "live/join.html", context, status=status)
    response.set_signed_cookie(
        DEVICE_COOKIE,
        device_key,
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _players_session(request: HttpRequest, code: str) -> tuple[LiveSession, Player] | None:
    player = services.player_in_open_session(code=code, session_key=request.session.session_key)
    return None if player is None else (player.session, player)


def _to_join(code: str) -> HttpResponse:
    # The same for a code that is open and one that is not: a 404 here would tell a
    # guesser which codes are open, past the join form's rate limit.
    return redirect(f"{reverse('live:join')}?{urlencode({'code': code})}")


def play(request: HttpRequest, code: str) -> HttpResponse:
    if (found := _players_session(request, code)) is None:
        return _to_join(code)
    session, player = found
    if services.reveal_if_due(session):
        session.refresh_from_db()
    fragments = presenters.render_player(
        session_id=session.pk, version=session.version, player=player, request=request, oob=False
    )
    return render(
        request, "live/play.html", {"session": session, "player": player, "fragments": fragments}
    )


@require_POST
def answer(request: HttpRequest, code: str) -> HttpResponse:
    if (found := _players_session(request, code)) is None:
        return _to_join(code)
    session, player = found
    try:
        answer = LiveAnswerForm(request.POST).validated()
        services.submit_answer(
            player=player, question_id=answer["question"], choice_id=answer["choice"]
        )
    except services.LiveError as error:
        messages.error(request, error.message)
    return redirect("live:play", code=session.join_code)
