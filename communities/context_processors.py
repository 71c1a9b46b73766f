from django.utils.functional import SimpleLazyObject


def notifications(request):
    """The bell's unread count, counted only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from communities.notifications import unread_count

    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
