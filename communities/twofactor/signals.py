"""What the audit trail hears about two-factor login. Each is sent with ``sender=User``,
``user=`` (whose login) and ``request=`` (None outside a request), and:

- ``two_factor_enabled``: the user confirmed an authenticator app (and got recovery codes);
- ``two_factor_disabled``: the user turned it off, or an administrator reset it from the
  admin (``reset=True`` then); ``by=`` is who removed it;
- ``recovery_code_used``: a recovery code let the user in; ``remaining=`` codes are left;
- ``two_factor_failed``: a code was refused; ``reason=`` is "wrong" or "throttled",
  ``stage=`` "login", "setup" or "confirm" (regenerating codes, turning it off).
"""

from django.dispatch import Signal

two_factor_enabled = Signal()
two_factor_disabled = Signal()
recovery_code_used = Signal()
two_factor_failed = Signal()
