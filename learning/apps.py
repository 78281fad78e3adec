from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning: mastery, spaced review, accounts"

    def ready(self) -> None:
        # quiz may not import learning: learning hears of each answer by the signal.
        from learning import receivers  # noqa: F401
