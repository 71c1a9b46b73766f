"""The scoped queryset every register model uses: ``Model.objects.visible_to(user)``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopedQuerySet(models.QuerySet):
    """A queryset that can narrow itself to what a user may see.

    Subclasses say how a scope becomes a filter (``scope_filter``); the scope itself comes from
    ``communities.scoping.scope_for`` — the one rule. Denies by default.
    """

    def visible_to(self, user):
        from communities.scoping import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self
        if scope.is_empty:
            return self.none()
        return self.filter(self.scope_filter(scope))

    def scope_filter(self, scope) -> models.Q:  # pragma: no cover - abstract
        raise NotImplementedError


class CompoundScopedQuerySet(ScopedQuerySet):
    """For any model that hangs off a compound: visible when its compound is.

    ``compound_path`` is the lookup from the model to its compound (``"compound"`` for a
    direct foreign key, ``"inspection__compound"`` through another model).
    """

    compound_path = "compound"

    def scope_filter(self, scope) -> models.Q:
        return compound_scope_q(scope, self.compound_path)


def compound_scope_q(scope, p: str) -> models.Q:
    """The compounds of the scope, reached through the lookup ``p`` (the rule of
    ``CompoundScopedQuerySet``, for a model that reaches compounds another way)."""
    return (
        models.Q(**{f"{p}__community__street__district_id__in": scope.district_ids})
        | models.Q(**{f"{p}__community__street_id__in": scope.street_ids})
        | models.Q(**{f"{p}__community_id__in": scope.community_ids})
        | models.Q(**{f"{p}_id__in": scope.managed_compounds().values("pk")})
    )


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class TimelineEvent(models.Model):
    """One step in a record's history: what was done, from which status to which, by whom,
    when and why. Subclasses add the foreign key to their record. Never edited or deleted."""

    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    # A subclass overrides ``action`` with its own TextChoices (the labels live beside the
    # model) and names its record's statuses here, so every page reads labels from the model.
    statuses: type[models.TextChoices] | None = None

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @property
    def label(self) -> str:
        """What was done, in the reader's language."""
        return self.get_action_display()

    def _status_label(self, value: str) -> str:
        if self.statuses is not None and value in self.statuses.values:
            return self.statuses(value).label
        return value

    @property
    def from_label(self) -> str:
        return self._status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._status_label(self.to_status)

    @property
    def status_changed(self) -> bool:
        return self.from_status != self.to_status
