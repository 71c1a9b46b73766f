"""Signals Django does not send itself, for whoever records them (the audit trail).

- ``password_changed(sender=User, user=..., request=...)``: a password was set, on whatever
  path (the change page, the first-login change, the admin's pages, ``createsuperuser``, a
  service). ``request`` is the request it happened in, or None outside one (a command); the
  actor is ``request.user``, who is not ``user`` when an administrator set it.
- ``user_disabled(sender=User, user=..., request=...)``: an account went from active to
  inactive (by an administrator, a service or the dormant-account job); its sessions have
  just been deleted.

Login, failed login, lockout and logout are Django's and django-axes' own signals
(``user_logged_in``, ``user_login_failed``, ``axes.signals.user_locked_out``,
``user_logged_out``).
"""

import django.dispatch

password_changed = django.dispatch.Signal()
user_disabled = django.dispatch.Signal()
