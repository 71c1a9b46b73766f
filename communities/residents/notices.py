"""The daily notices of the registration work list: the community committee hears of each
floating resident or resident from abroad living in its community who is not registered, whose
registration expires within ``RESIDENCE_EXPIRY_WARNING_DAYS`` or has expired — **once per person
and expiry**, however often the job runs.

- Who: the admins and staff of the committee of the resident's community
  (``communities.acting.users_acting_for(compound, [COMMUNITY_COMMITTEE])``), worked out once
  per community; not the company, the street office or another committee.
- Once: the notice's dedup key is the person, the item and the permit's expiry date
  (``residence:<pk>:<item>:<expiry>``). A renewed permit has a new date, so when it in turn
  nears its end the committee hears of it again; a person who moved out is on no list.
- What: a registered text naming the compound, the home and the person's masked name (never an
  ID number or phone), linked to the work list's tab for that compound.
- Cost: the same handful of queries whatever the number of residents (one read of the day's
  items, one read of the committees per community, the dedup keys and the inserts in batches);
  ``notify`` would cost two queries per person. One e-mail per recipient lists what is new.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, CharField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communities.acting import users_acting_for
from communities.models import Notification, OrganisationKind, Resident, ResidentKind
from communities.notifications import NoticeText, notice_text
from communities.privacy import mask_name

from .worklist import PERSON_ITEMS, WorkItem, item_q

RESIDENCE_UNREGISTERED = "residence_unregistered"
RESIDENCE_EXPIRING = "residence_expiring"
RESIDENCE_EXPIRED = "residence_expired"
TEXTS = {
    WorkItem.UNREGISTERED: RESIDENCE_UNREGISTERED,
    WorkItem.EXPIRING: RESIDENCE_EXPIRING,
    WorkItem.EXPIRED: RESIDENCE_EXPIRED,
}
NOTICE_TEXTS = {
    RESIDENCE_UNREGISTERED: NoticeText(
        _("%(compound)s %(home)s: %(person)s (%(kind)s) has not registered their residence."),
        choices={"kind": ResidentKind},
    ),
    RESIDENCE_EXPIRING: NoticeText(
        _(
            "%(compound)s %(home)s: the residence permit of %(person)s (%(kind)s) "
            "expires on %(expires)s."
        ),
        choices={"kind": ResidentKind},
    ),
    RESIDENCE_EXPIRED: NoticeText(
        _(
            "%(compound)s %(home)s: the residence permit of %(person)s (%(kind)s) "
            "expired on %(expires)s."
        ),
        choices={"kind": ResidentKind},
    ),
}
#: dedup keys read per query (below SQLite's limit on parameters)
KEYS_PER_QUERY = 900
#: lines of one e-mail; the rest are on the work list
EMAIL_LINES = 20


def dedup_key(resident: Resident, item: str) -> str:
    """Once per person, item and expiry: ``residence:<pk>:<item>:<permit expires or "">``."""
    expires = resident.permit_expires.isoformat() if resident.permit_expires else ""
    return f"residence:{resident.pk}:{item}:{expires}"


def residents_to_notify(on: datetime.date):
    """Every resident who is an item of the work list on the day, with the item (``item``) and
    their household and compound: one query."""
    item = Case(
        *(When(item_q(choice, on), then=Value(str(choice))) for choice in PERSON_ITEMS),
        default=None,
        output_field=CharField(),
    )
    return (
        Resident.objects.annotate(item=item)
        .filter(item__isnull=False)
        .select_related("household__compound")
        .order_by("household__compound__community_id", "permit_expires", "pk")
    )


def _params(resident: Resident) -> dict:
    household = resident.household
    home = "-".join(part for part in (household.building, household.unit, household.room) if part)
    return {
        "compound": household.compound.name,
        "home": home,
        "person": mask_name(resident.name),
        "kind": resident.kind,
        "expires": resident.permit_expires.isoformat() if resident.permit_expires else "",
    }


def _worklist_url(item: str, compound_id: int) -> str:
    return f"{reverse('communities:resident_worklist')}?item={item}&compound={compound_id}"


def _already_sent(user_ids: set[int], keys: list[str]) -> set[tuple[int, str]]:
    sent: set[tuple[int, str]] = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        rows = Notification.objects.filter(
            user_id__in=user_ids, dedup_key__in=keys[start : start + KEYS_PER_QUERY]
        ).values_list("user_id", "dedup_key")
        sent.update(rows)
    return sent


def _send_emails(new: list[Notification], users: dict) -> None:
    by_user: dict[int, list[str]] = defaultdict(list)
    for notice in new:
        by_user[notice.user_id].append(notice.message)
    url = reverse("communities:resident_worklist")
    for user_id, lines in by_user.items():
        email = users[user_id].email
        if not email:
            continue
        subject = ngettext(
            "%(count)d new item on the residence registration work list",
            "%(count)d new items on the residence registration work list",
            len(lines),
        ) % {"count": len(lines)}
        body = "\n".join(lines[:EMAIL_LINES])
        if len(lines) > EMAIL_LINES:
            body += f"\n…（+{len(lines) - EMAIL_LINES}）"
        transaction.on_commit(
            lambda subject=subject, body=body, email=email: send_mail(
                subject=f"[{settings.SITE_TITLE}] {subject}"[:150],
                message=f"{body}\n\n{url}",
                from_email=None,
                recipient_list=[email],
                fail_silently=True,
            )
        )


@transaction.atomic
def registration_notices_send(on: datetime.date | None = None) -> int:
    """Notify each community committee of the day's work-list people in its community, each
    person and expiry once. Returns the number of notices written."""
    on = on or timezone.localdate()
    residents = list(residents_to_notify(on))
    committees: dict[int, dict] = {}  # community id → {user id: user}
    for resident in residents:
        compound = resident.household.compound
        if compound.community_id not in committees:
            members = users_acting_for(compound, [OrganisationKind.COMMUNITY_COMMITTEE])
            committees[compound.community_id] = {u.pk: u for u in members}
    users = {pk: u for members in committees.values() for pk, u in members.items()}
    keys = [dedup_key(r, r.item) for r in residents]
    sent = _already_sent(set(users), sorted(set(keys)))
    new = []
    for resident, key in zip(residents, keys, strict=True):
        recipients = committees[resident.household.compound.community_id]
        if not recipients:
            continue
        text, params = TEXTS[resident.item], _params(resident)
        message = notice_text(text, params)[:300]
        url = _worklist_url(resident.item, resident.household.compound_id)
        new += [
            Notification(
                user_id=user_id,
                kind=text,
                text=text,
                params=params,
                message=message,
                url=url,
                dedup_key=key,
            )
            for user_id in recipients
            if (user_id, key) not in sent
        ]
    # A run at the same time as this one meets the unique (user, key) and writes nothing twice.
    Notification.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    _send_emails(new, users)
    return len(new)
