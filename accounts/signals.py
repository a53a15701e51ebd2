"""Signals accounts sends to the apps above it (docs/architecture.md: apps depend downward only)."""

from django.dispatch import Signal

# Sent with `user` after a password was found right, before signing in. A receiver that returns a message
# refuses password sign-in for that account (sso: the district requires its single sign-on).
password_sign_in = Signal()
