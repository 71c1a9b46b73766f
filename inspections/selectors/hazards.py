"""Reads of hazards."""

from communities.models import Compound
from inspections.models import Hazard


def hazards_unverified_for(*, user, compound: Compound):
    """The compound's hazards not yet verified: shown on its next month's check."""
    return (
        Hazard.objects.visible_to(user)
        .filter(compound=compound)
        .unverified()
        .order_by("deadline", "pk")
    )
