"""Each compound's 以房管人 figures of a day, kept (issue 14): a province's overview and work
list add up 20,000 rows instead of reading a million households and their residents.

A row is a cache, never a record: ``communities.residents.tallies`` writes it from the
figures' one definition (``communities.residents.figures``), again whenever a household or
resident of the compound changes and every night for the new day; a row of another day, or
none, is computed when read.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .compounds import Compound


class ResidentTally(models.Model):
    compound = models.OneToOneField(
        Compound,
        models.CASCADE,
        primary_key=True,
        related_name="resident_tally",
        verbose_name=_("compound"),
    )
    day = models.DateField(_("day"))
    #: when the figures were read (a write read earlier never replaces it)
    computed_at = models.DateTimeField(_("computed at"))
    # ResidentFigures
    households = models.PositiveIntegerField(default=0)
    occupied = models.PositiveIntegerField(default=0)
    with_roster = models.PositiveIntegerField(default=0)
    residents = models.PositiveIntegerField(default=0)
    floating = models.PositiveIntegerField(default=0)
    rented = models.PositiveIntegerField(default=0)
    rented_without_tenant = models.PositiveIntegerField(default=0)
    # RegistrationRate
    present = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    # the registration work list's person items (the homes are rented_without_tenant)
    unregistered = models.PositiveIntegerField(default=0)
    expiring = models.PositiveIntegerField(default=0)
    expired = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("residents tally")
        verbose_name_plural = _("residents tallies")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.compound_id} {self.day}"
