"""The compound page's 物防/技防 panel (``communities.panels``): the compound's status and what
it lacks, in two queries, for users who may view facilities."""

from patrols import facility_coverage as fc


def panel_context(request, compound) -> dict | None:
    if not request.user.has_perm("patrols.view_facility"):
        return None
    gaps = fc.coverage_gaps(compound)
    return {
        "compound": compound,
        "gaps": gaps,
        "physical_status": gaps.status(fc.PHYSICAL),
        "tech_status": gaps.status(fc.TECH),
    }
