"""Give a user one of the three administrator duties (system, security, audit), or take it
away: the installer's step after ``createsuperuser`` (docs/operations.md, 3.4)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from communities.duties import DUTY_LABELS, duty_grant, duty_revoke


class Command(BaseCommand):
    help = "Grant (or with --revoke take away) a duty: system, security or audit administrator."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("duty", choices=sorted(DUTY_LABELS))
        parser.add_argument("--revoke", action="store_true")

    def handle(self, username, duty, revoke=False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            (duty_revoke if revoke else duty_grant)(actor=None, user=user, duty=duty)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        verb = "took away" if revoke else "granted"
        self.stdout.write(f"{verb} {duty} for {username}")
