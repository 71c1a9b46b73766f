"""The compound page's activities panel (``communities.panels``): links to the compound's
activities and to recording one there. It reads nothing but the user's permissions, which the
page's navigation has read already: no query of its own."""

from django.urls import reverse


def compound_panel(request, compound) -> dict | None:
    user = request.user
    if not user.has_perm("communities.view_activity"):
        return None
    query = f"?compound={compound.pk}"
    can_add = user.has_perm("communities.add_activity")
    return {
        "list_url": reverse("communities:activity_list") + query,
        "add_url": reverse("communities:activity_add") + query if can_add else "",
    }
