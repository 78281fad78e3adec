"""What quiz announces to the apps that build on it (quiz imports none of them)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `attempt` when a test-mode attempt is submitted, inside its transaction:
# from then on its answers are final. A practice answer is final as soon as its
# Response row is saved (post_save); a test's can still change until this.
test_submitted = Signal()
