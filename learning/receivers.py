"""Each final answer moves its question's review card (quiz sends, learning listens):
a practice answer when it is stored, a test's answers when the test is submitted (until
then the student may change them)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from learning import services
from quiz.models import Attempt, Response
from quiz.signals import test_submitted


@receiver(post_save, sender=Response, dispatch_uid="learning.review_answer")
def answer_stored(
    sender: type[Response], instance: Response, created: bool, **kwargs: object
) -> None:
    if created and instance.attempt.quiz.is_practice:
        services.review_answer(response=instance)


@receiver(test_submitted, dispatch_uid="learning.review_test")
def test_was_submitted(sender: type[Attempt], attempt: Attempt, **kwargs: object) -> None:
    for response in attempt.responses.select_related("attempt__quiz"):
        services.review_answer(response=response)
