"""Regions: District (6-digit code) → Street (9) → Community (12)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.validators import (
    validate_community_code,
    validate_district_code,
    validate_street_code,
)

from .base import ScopedQuerySet

MSG_CODE_PREFIX = _("The code must start with the code of its parent ({parent}).")


MSG_CODE_HAS_CHILDREN = _("The code cannot change while records below it carry it as their prefix.")


def _check_code_kept(obj, children, stored_code: str | None = None) -> None:
    """A region's code is the prefix of its children's codes: it cannot change under them.

    ``stored_code`` is the code in the database when the caller has read it (an import finds
    existing rows by their code): no query then."""
    if obj.pk is None:
        return
    old = stored_code
    if old is None:
        old = type(obj).objects.filter(pk=obj.pk).values_list("code", flat=True).first()
    if old is not None and old != obj.code and children.exists():
        raise ValidationError({"code": MSG_CODE_HAS_CHILDREN})


def _check_prefix(code: str, parent_code: str | None) -> None:
    if code and parent_code and not code.startswith(parent_code):
        raise ValidationError({"code": MSG_CODE_PREFIX.format(parent=parent_code)})


class DistrictQuerySet(ScopedQuerySet):
    def scope_filter(self, scope) -> Q:
        return (
            Q(pk__in=scope.district_ids)
            | Q(pk__in=Street.objects.filter(pk__in=scope.street_ids).values("district_id"))
            | Q(
                pk__in=Community.objects.filter(pk__in=scope.community_ids).values(
                    "street__district_id"
                )
            )
            | Q(pk__in=scope.managed_compounds().values("community__street__district_id"))
        )


class District(models.Model):
    not_personal_data = {"name": "the name of a place"}

    code = models.CharField(
        _("district code"), max_length=6, unique=True, validators=[validate_district_code]
    )
    name = models.CharField(_("name"), max_length=60)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]
        permissions = [
            ("import_district", _("Can import districts")),
            ("export_district", _("Can export districts")),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self, *, stored_code: str | None = None) -> None:
        _check_code_kept(self, Street.objects.filter(district_id=self.pk), stored_code)


class StreetQuerySet(ScopedQuerySet):
    def scope_filter(self, scope) -> Q:
        return (
            Q(district_id__in=scope.district_ids)
            | Q(pk__in=scope.street_ids)
            | Q(pk__in=Community.objects.filter(pk__in=scope.community_ids).values("street_id"))
            | Q(pk__in=scope.managed_compounds().values("community__street_id"))
        )


class Street(models.Model):
    not_personal_data = {"name": "the name of a place"}

    district = models.ForeignKey(
        District, models.PROTECT, related_name="streets", verbose_name=_("district")
    )
    code = models.CharField(
        _("street code"), max_length=9, unique=True, validators=[validate_street_code]
    )
    name = models.CharField(_("name"), max_length=60)

    objects = StreetQuerySet.as_manager()

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["code"]
        permissions = [
            ("import_street", _("Can import streets")),
            ("export_street", _("Can export streets")),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self, *, stored_code: str | None = None) -> None:
        _check_prefix(self.code, self.district.code if self.district_id else None)
        _check_code_kept(self, Community.objects.filter(street_id=self.pk), stored_code)


class CommunityQuerySet(ScopedQuerySet):
    def scope_filter(self, scope) -> Q:
        return (
            Q(street__district_id__in=scope.district_ids)
            | Q(street_id__in=scope.street_ids)
            | Q(pk__in=scope.community_ids)
            | Q(pk__in=scope.managed_compounds().values("community_id"))
        )


class Community(models.Model):
    not_personal_data = {"name": "the name of a place"}

    street = models.ForeignKey(
        Street, models.PROTECT, related_name="communities", verbose_name=_("street")
    )
    code = models.CharField(
        _("community code"), max_length=12, unique=True, validators=[validate_community_code]
    )
    name = models.CharField(_("name"), max_length=60)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["code"]
        permissions = [
            ("import_community", _("Can import communities")),
            ("export_community", _("Can export communities")),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _check_prefix(self.code, self.street.code if self.street_id else None)
