"""The typeaheads' endpoints: the user's compounds, streets or communities matching what was
typed (section 3.3)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from communities.community_choice import community_matches
from communities.compound_choice import compound_matches
from communities.street_choice import street_matches
from communities.validators import ascii_int


@login_required
@require_GET
def compound_autocomplete(request):
    """``?q=`` words of a name, code or address; ``street=`` narrows to a street; ``company=1``
    adds the name of the company running each today. Answers ``{"results": [{"id", "text"}]}``,
    at most 20, from ``visible_to(request.user)`` only."""
    results = compound_matches(
        user=request.user,
        query=request.GET.get("q", ""),
        street_id=ascii_int(request.GET.get("street")),
        with_company=request.GET.get("company") == "1",
    )
    return JsonResponse({"results": results})


@login_required
@require_GET
def street_autocomplete(request):
    """``?q=`` words of a street's name or code. Answers ``{"results": [{"id", "text"}]}``, at
    most 20, from the user's streets only (a list's street filter past ``STREET_CHOICES_MAX``)."""
    return JsonResponse(
        {"results": street_matches(user=request.user, query=request.GET.get("q", ""))}
    )


@login_required
@require_GET
def community_autocomplete(request):
    """``?q=`` words of a community's name or code. Answers ``{"results": [{"id", "text"}]}``, at
    most 20, from the user's communities only (a form's community past
    ``COMMUNITY_CHOICES_MAX``; the form still checks the id against its own choices)."""
    return JsonResponse(
        {"results": community_matches(user=request.user, query=request.GET.get("q", ""))}
    )
