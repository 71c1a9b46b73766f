"""The places figures are grouped by — compound, community, street, district — and the lookup
from a row to its place's id at each level: one definition for every app's grouped figures
(``watch_group_coverage_by``, ``registration_rate_by``, the monthly figures of inspections and
disputes)."""

LEVEL_NAMES = ("compound", "community", "street", "district")

_FROM_COMPOUND = {
    "compound": "id",
    "community": "community_id",
    "street": "community__street_id",
    "district": "community__street__district_id",
}


def level_keys(compound: str = "compound") -> dict[str, str]:
    """Level → the lookup of the place's id, from a row whose path to its compound is
    ``compound`` (``"household__compound"``; ``""`` for a queryset of compounds)::

        level_keys()["street"] == "compound__community__street_id"
        level_keys("")["compound"] == "id"
    """
    if not compound:
        return dict(_FROM_COMPOUND)
    return {
        level: f"{compound}_id" if level == "compound" else f"{compound}__{path}"
        for level, path in _FROM_COMPOUND.items()
    }
