from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Learning: mastery, spaced review, accounts")

    def ready(self) -> None:
        # quiz may not import learning: learning hears of each answer by the signal.
        from learning import receivers  # noqa: F401
