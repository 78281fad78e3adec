"""Who a learner is: an account, or the browser a visitor uses (its session key)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from quiz.models import Attempt, Response


@dataclass(frozen=True)
class Learner:
    user: User | None
    session_key: str

    @classmethod
    def of(cls, *, user: User | AnonymousUser | None, session_key: str | None) -> Learner:
        account = user if user is not None and user.is_authenticated else None
        return cls(user=account, session_key=session_key or "")

    @property
    def known(self) -> bool:
        return self.user is not None or bool(self.session_key)

    @property
    def key(self) -> str:
        """ReviewCard.owner: the account's, else the browser's ("" for nobody yet)."""
        if self.user is not None:
            return user_key(self.user.pk)
        return session_owner_key(self.session_key) if self.session_key else ""

    def attempts(self) -> QuerySet[Attempt]:
        """As quiz.services.attempts_owned_by: an account's, or a visitor's browser's."""
        if self.user is not None:
            return Attempt.objects.filter(user=self.user)
        if not self.session_key:
            return Attempt.objects.none()
        return Attempt.objects.filter(session_key=self.session_key, user__isnull=True)

    def responses(self) -> QuerySet[Response]:
        if self.user is not None:
            return Response.objects.filter(attempt__user=self.user)
        if not self.session_key:
            return Response.objects.none()
        return Response.objects.filter(
            Q(attempt__session_key=self.session_key) & Q(attempt__user__isnull=True)
        )


def user_key(user_id: int) -> str:
    return f"u:{user_id}"


def session_owner_key(session_key: str) -> str:
    return f"s:{session_key}"


def key_of_attempt(attempt: Attempt) -> str:
    if attempt.user_id is not None:
        return user_key(attempt.user_id)
    return session_owner_key(attempt.session_key) if attempt.session_key else ""
