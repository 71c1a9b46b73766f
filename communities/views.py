"""Workbench pages of the register: the home list and the compound page.

Views stay thin: they read parameters, call selectors (``communities.selectors``) and render.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from communities import guide as guide_pages
from communities import selectors
from communities.list_filters import compound_list_filters
from communities.panels import compound_panels, home_panels
from communities.scoping import get_visible_or_404

HOME_PAGE_SIZE = 25


@login_required
@require_GET
def home(request):
    user = request.user
    filters = compound_list_filters(user, request.GET)
    page = Paginator(filters.compounds(user), HOME_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "compounds": page.object_list,
        "has_scope": selectors.user_has_scope(user=user),
        "panels": home_panels(request),
        **filters.context(),
    }
    return render(request, "communities/home.html", context)


@login_required
@require_GET
def compound_detail(request, code: str):
    user = request.user
    compound = get_visible_or_404(request, selectors.compounds_for_detail(user=user), code=code)
    context = {
        "compound": compound,
        "terms": selectors.compound_management_terms(user=user, compound=compound),
        "terms_own_company_only": selectors.user_sees_own_company_terms_only(user=user),
        "households": selectors.compound_household_summary(user=user, compound=compound),
        "registration": selectors.compound_registration_rate(compound=compound),
        "panels": compound_panels(request, compound),
    }
    return render(request, "communities/compound_detail.html", context)


NOTIFICATIONS_PAGE_SIZE = 30


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    """The user's own notifications; POST marks them all read."""
    from communities.notifications import notifications_mark_read

    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("communities:notifications")
    rows = selectors.notifications_for(user=request.user)
    page = Paginator(rows, NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "communities/notifications.html", {"page": page})


@require_GET
def guide(request, name: str = guide_pages.INDEX):
    """A page of the user guide (docs/user-guide/), open to anyone: it holds no data."""
    page = guide_pages.render_page(name)
    if page is None:
        raise Http404
    contents = [
        (n, guide_pages.render_page(n).title, guide_pages.page_url(n))
        for n in guide_pages.page_names()
    ]
    return render(request, "communities/guide.html", {"page": page, "contents": contents})
