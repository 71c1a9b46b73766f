from django.utils.functional import SimpleLazyObject


def notifications(request):
    """The bell's unread count, counted only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from communities.notifications import unread_count

    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}


def guide(request):
    """The link to the user guide's section on the page being shown."""
    from communities.guide import section_url

    match = getattr(request, "resolver_match", None)
    return {"guide_url": SimpleLazyObject(lambda: section_url(match and match.view_name))}


def personal_data_gate(request):
    """The banner of a user whose personal data is masked until they state a reason (or who
    opened the hour's allowance): ``communities.unmasking``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from communities.unmasking import gate_for

    return {"personal_data_gate": SimpleLazyObject(lambda: gate_for(request))}
