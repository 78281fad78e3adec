"""Each stored answer moves its question's review card (quiz sends, learning listens)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from learning import services
from quiz.models import Response


@receiver(post_save, sender=Response, dispatch_uid="learning.review_answer")
def answer_stored(
    sender: type[Response], instance: Response, created: bool, **kwargs: object
) -> None:
    if created:
        services.review_answer(response=instance)
