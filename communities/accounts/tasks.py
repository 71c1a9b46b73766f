"""Background jobs of accounts: each calls one service."""

from celery import shared_task

from communities.accounts.services import accounts_disable_dormant


@shared_task(name="accounts.disable_dormant_accounts")
def disable_dormant_accounts() -> int:
    return len(accounts_disable_dormant())


@shared_task(name="accounts.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Daily: delete the sessions past their end (12 hours at most), so no login's session
    data — who, from where — is kept longer than it serves (docs/personal-data.md)."""
    from importlib import import_module

    from django.conf import settings

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
