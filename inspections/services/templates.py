"""Checklist versions: a used version is never edited; a new version is a copy."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from inspections.errors import (
    MSG_NOT_ALLOWED,
    MSG_PUBLISH_DRAFT_ONLY,
    MSG_PUBLISH_EMPTY,
    WorkflowError,
)
from inspections.models import ChecklistItem, ChecklistTemplate, TemplateStatus


@transaction.atomic
def template_new_version(*, template: ChecklistTemplate, actor=None) -> ChecklistTemplate:
    """Copy a version (sections and items) into a new draft with the next version number."""
    if actor is not None and not actor.has_perm("inspections.add_checklisttemplate"):
        raise WorkflowError(MSG_NOT_ALLOWED)
    next_version = (ChecklistTemplate.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    copy = ChecklistTemplate.objects.create(
        name=template.name,
        version=next_version,
        status=TemplateStatus.DRAFT,
        pass_threshold=template.pass_threshold,
        basic_threshold=template.basic_threshold,
        item_pass_ratio=template.item_pass_ratio,
        copied_from=template,
    )
    for section in template.sections.prefetch_related("items"):
        items = list(section.items.all())
        section.pk, section.template = None, copy
        section.save()
        for item in items:
            item.pk, item.section = None, section
        ChecklistItem.objects.bulk_create(items)
    return copy


@transaction.atomic
def template_publish(*, template: ChecklistTemplate, actor=None) -> ChecklistTemplate:
    """Publish a draft; older published versions retire (their inspections keep them)."""
    if actor is not None and not actor.has_perm("inspections.change_checklisttemplate"):
        raise WorkflowError(MSG_NOT_ALLOWED)
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    if template.status != TemplateStatus.DRAFT:
        raise WorkflowError(MSG_PUBLISH_DRAFT_ONLY)
    if not ChecklistItem.objects.filter(section__template=template).exists():
        raise WorkflowError(MSG_PUBLISH_EMPTY)
    template.full_clean()
    ChecklistTemplate.objects.filter(status=TemplateStatus.PUBLISHED).exclude(
        pk=template.pk
    ).update(status=TemplateStatus.RETIRED)
    template.status = TemplateStatus.PUBLISHED
    template.published_at = timezone.now()
    template.save()
    return template


def template_is_editable(template: ChecklistTemplate) -> bool:
    """A draft that no inspection uses yet."""
    return template.status == TemplateStatus.DRAFT and not template.is_used
