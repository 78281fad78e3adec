"""Sign-up: Django's UserCreationForm with an email address for password resets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.forms import UserCreationForm, UsernameField
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    _UserCreationForm = UserCreationForm[User]
else:  # generic in django-stubs only
    _UserCreationForm = UserCreationForm


class SignUpForm(_UserCreationForm):
    email = forms.EmailField(
        required=False,
        help_text=_("Optional: where a password reset link is sent if you forget it."),
    )

    class Meta:
        model = User
        fields = ("username", "email")
        field_classes = {"username": UsernameField}
