"""Background jobs of accounts: each calls one service."""

from celery import shared_task

from communities.accounts.services import accounts_disable_dormant


@shared_task(name="accounts.disable_dormant_accounts")
def disable_dormant_accounts() -> int:
    return len(accounts_disable_dormant())
