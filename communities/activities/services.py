"""Writes of campaign activities: record, change, delete, add and remove photos.

Who may: the role's permission (``activities.roles``) and acting for the activity's place
(``communities.acting``: the admins and staff of the property company running the compound
today, of its community committee, street office and bureau; for a community's activity the
committee, street office and bureau only — a company records activities of its compounds).
Viewers only read. Each service is one transaction; django-auditlog records the rows.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.acting import ACTING_ROLES, organisations_acting_for
from communities.models import (
    Activity,
    ActivityPhoto,
    Community,
    Compound,
    Organisation,
    OrganisationKind,
)
from communities.uploads import check_upload, make_thumbnail, store_upload
from communities.workflow import MSG_NOT_ALLOWED, WorkflowError

K = OrganisationKind
# The most local organisation first: the one an activity is recorded for.
_NEAREST_FIRST = [K.PROPERTY_COMPANY, K.COMMUNITY_COMMITTEE, K.STREET_OFFICE, K.BUREAU]

MSG_TOO_MANY_PHOTOS = _("An activity can have at most %(max)s photos.")
MSG_NOT_A_PHOTO = _("Only photos (JPEG, PNG, WebP) can be added to an activity.")


def _organisations_for_place(*, compound: Compound | None, community: Community | None):
    if compound is not None:
        return organisations_acting_for(compound)
    street = community.street
    return Organisation.objects.filter(
        Q(kind=K.COMMUNITY_COMMITTEE, community_id=community.pk)
        | Q(kind=K.STREET_OFFICE, street_id=street.pk)
        | Q(kind=K.BUREAU, district_id=street.district_id)
    )


def acting_organisation(actor, *, compound=None, community=None) -> Organisation | None:
    """The actor's organisation that acts for the place (the most local one), or None."""
    organisations = list(
        _organisations_for_place(compound=compound, community=community)
        .filter(memberships__user_id=actor.pk, memberships__role__in=ACTING_ROLES)
        .distinct()
    )
    organisations.sort(key=lambda o: _NEAREST_FIRST.index(o.kind))
    return organisations[0] if organisations else None


def may_record_at(actor, *, compound=None, community=None) -> bool:
    """Whether the actor acts for the place (an operator always does)."""
    if actor.is_superuser:
        return True
    return acting_organisation(actor, compound=compound, community=community) is not None


def _require(actor, perm: str, *, compound=None, community=None) -> None:
    if not actor.has_perm(perm):
        raise WorkflowError(MSG_NOT_ALLOWED)
    if not may_record_at(actor, compound=compound, community=community):
        raise WorkflowError(MSG_NOT_ALLOWED)


def may_change(actor, activity: Activity) -> bool:
    """May the actor change the activity and its photos (the pages' "Edit" button)?"""
    return actor.has_perm("communities.change_activity") and may_record_at(
        actor, compound=activity.compound, community=activity.community
    )


def may_delete(actor, activity: Activity) -> bool:
    return actor.has_perm("communities.delete_activity") and may_record_at(
        actor, compound=activity.compound, community=activity.community
    )


@transaction.atomic
def activity_create(
    *,
    actor,
    kind: str,
    date: datetime.date,
    title: str,
    participants: int,
    organiser: str,
    compound: Compound | None = None,
    community: Community | None = None,
    note: str = "",
    photos=(),
) -> Activity:
    """Record an activity held in a compound or (exactly one of the two) a community.
    Refused: no permission, not acting for the place, a date in the future or before 2000."""
    if (compound is None) == (community is None):
        Activity(compound=compound, community=community).clean()  # raises the message
    _require(actor, "communities.add_activity", compound=compound, community=community)
    activity = Activity(
        compound=compound,
        community=community,
        kind=kind,
        date=date,
        title=title.strip(),
        participants=participants,
        organiser=organiser.strip(),
        note=note.strip(),
        organisation=acting_organisation(actor, compound=compound, community=community),
        created_by=actor,
    )
    activity.full_clean()
    activity.save()
    for upload in photos:
        activity_photo_add(activity=activity, actor=actor, upload=upload)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    actor,
    kind: str,
    date: datetime.date,
    title: str,
    participants: int,
    organiser: str,
    compound: Compound | None = None,
    community: Community | None = None,
    note: str = "",
    photos=(),
) -> Activity:
    """Change an activity (and add ``photos``); moving it to another place needs acting for
    both places."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require(
        actor,
        "communities.change_activity",
        compound=activity.compound,
        community=activity.community,
    )
    if (compound is None) == (community is None):
        Activity(compound=compound, community=community).clean()
    if compound != activity.compound or community != activity.community:
        _require(actor, "communities.change_activity", compound=compound, community=community)
    activity.compound, activity.community = compound, community
    activity.kind, activity.date, activity.title = kind, date, title.strip()
    activity.participants, activity.organiser = participants, organiser.strip()
    activity.note = note.strip()
    activity.full_clean()
    activity.save()
    for upload in photos:
        activity_photo_add(activity=activity, actor=actor, upload=upload)
    return activity


def _photo_files(photos) -> list:
    return [f for photo in photos for f in (photo.file, photo.thumbnail) if f]


@transaction.atomic
def activity_delete(*, activity: Activity, actor) -> None:
    """Delete an activity with its photos (the files once the transaction commits)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require(
        actor,
        "communities.delete_activity",
        compound=activity.compound,
        community=activity.community,
    )
    files = _photo_files(activity.photos.all())
    activity.photos.all().delete()
    activity.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])


@transaction.atomic
def activity_photo_add(*, activity: Activity, actor, upload) -> ActivityPhoto:
    """Add a photo (checked by content like every upload: ``check_upload``), at most
    ``ACTIVITY_PHOTOS_MAX`` per activity; stored under a name made from its content."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require(
        actor,
        "communities.change_activity",
        compound=activity.compound,
        community=activity.community,
    )
    limit = settings.ACTIVITY_PHOTOS_MAX
    if activity.photos.count() >= limit:
        raise WorkflowError(MSG_TOO_MANY_PHOTOS % {"max": limit})
    try:
        content_type = check_upload(upload)
    except Exception as refused:  # a ValidationError with the reason in Chinese
        messages = getattr(refused, "messages", None)
        raise WorkflowError(messages[0] if messages else MSG_NOT_A_PHOTO) from None
    if not content_type.startswith("image/"):
        raise WorkflowError(MSG_NOT_A_PHOTO)
    photo = ActivityPhoto(activity=activity, size=upload.size, uploaded_by=actor)
    photo.content_type = store_upload(photo.file, upload, stem="photo")
    thumbnail = make_thumbnail(photo.file, photo.content_type)
    if thumbnail is not None:
        photo.thumbnail.save("thumbnail.jpg", thumbnail, save=False)
    photo.save()
    return photo


@transaction.atomic
def activity_photo_remove(*, photo: ActivityPhoto, actor) -> None:
    activity = Activity.objects.select_for_update().get(pk=photo.activity_id)
    _require(
        actor,
        "communities.change_activity",
        compound=activity.compound,
        community=activity.community,
    )
    files = _photo_files([photo])
    photo.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
