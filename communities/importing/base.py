"""The base of the register's import/export resources: scoped, keyed by codes, all-or-nothing.

A resource is built for one user (``Resource(user=request.user)``). It
- reads and updates only rows in ``Model.objects.visible_to(user)``; foreign keys are looked up
  by code among the rows the user may see, each lookup table read once per import;
- finds existing rows by their natural key (``Meta.import_id_fields``), read once per import;
- reports a duplicate within the file, a value registered to another row, a missing add/change
  permission, and every model validation error, under the cell's Chinese column header;
- after saving, re-checks that every saved row is visible to the user, else fails the import.
"""

from collections.abc import Iterable, Iterator

from django.contrib.auth import get_permission_codename
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CheckConstraint, UniqueConstraint
from django.db.models.fields import NOT_PROVIDED
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult

from . import messages as msg
from .formats import ImportFileError, _is_blank
from .limits import shown
from .widgets import ScopedLookupWidget, TextWidget

CHUNK = 500  # values per ``IN (…)``: SQLite and PostgreSQL both take this comfortably

Key = tuple
Spec = tuple[str, ...]  # model field names that together identify a row


class ImportScopeError(Exception):
    """Saved rows that the importing user could not see: the whole import fails."""

    def __init__(self, rows: list[int]):
        self.rows = rows
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [str(msg.MSG_OUT_OF_SCOPE.format(row=sheet_row(row))) for row in self.rows]


def sheet_row(number: int) -> int:
    """The spreadsheet row of the import's row ``number`` (1 = first data row, below headers)."""
    return number + 1


def column(attribute: str, header: str, widget=None) -> Field:
    """One column of a register file: model field ``attribute`` under a Chinese ``header``."""
    return Field(attribute=attribute, column_name=header, widget=widget or TextWidget())


def chunked(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _key_part(value):
    return getattr(value, "pk", value)


class NaturalKeyInstanceLoader(BaseInstanceLoader):
    """Existing rows come from the resource's per-import cache, never one query per row."""

    def get_instance(self, row):
        return self.resource.existing_instance(row)


class MaskingDiff(resources.Diff):
    """The preview's before/after columns, rendered as an export would (masked if need be),
    each cut to ``IMPORT_PREVIEW_CELL_CHARS``."""

    def __init__(self, resource, instance, new):
        self.left = self._values(resource, instance)
        self.right = []
        self.new = new

    def compare_with(self, resource, instance):
        self.right = self._values(resource, instance)

    @staticmethod
    def _values(resource, instance) -> list:
        if instance is None:
            return ["" for _field in resource.get_import_fields()]
        fields = resource.get_import_fields()
        return [shown(resource.export_field(field, instance)) for field in fields]


class RegisterResource(resources.ModelResource):
    #: relations to load with each row (updates, previews and exports)
    select_related: tuple[str, ...] = ()
    #: one plausible row for the import template, by column header
    example_row: dict[str, object] = {}

    class Meta:
        clean_model_instances = True
        use_bulk = False  # each row goes through save(): auditlog records it
        skip_unchanged = False
        report_skipped = False
        instance_loader_class = NaturalKeyInstanceLoader

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        opts = self._meta.model._meta
        for field in self.fields.values():
            if isinstance(field.widget, ScopedLookupWidget):
                field.widget.bind(user)
            model_field = opts.get_field(field.attribute)
            if field.default is NOT_PROVIDED and model_field.has_default():
                field.default = model_field.default
        self._unique_specs = self._find_unique_specs()
        self.can_add = self._has_perm("add")
        self.can_change = self._has_perm("change")
        self._existing: dict[Key, object] = {}
        self._registered: dict[Spec, dict[Key, int]] = {}
        self._rows_by_key: dict[Spec, dict[Key, int]] = {}
        self._saved: list[tuple[int, int]] = []
        self._row_number = 0

    # --- scope -------------------------------------------------------------------------------

    def _has_perm(self, action: str) -> bool:
        opts = self._meta.model._meta
        codename = get_permission_codename(action, opts)
        return bool(self.user and self.user.has_perm(f"{opts.app_label}.{codename}"))

    def scoped_queryset(self):
        manager = self._meta.model.objects
        return manager.visible_to(self.user) if self.user else manager.none()

    def get_queryset(self):
        return self.scoped_queryset().select_related(*self.select_related)

    def filter_export(self, queryset, **kwargs):
        # The admin passes its changelist's (already scoped) queryset; narrow it once more.
        visible = self.scoped_queryset().values("pk")
        return queryset.filter(pk__in=visible).select_related(*self.select_related)

    @classmethod
    def get_diff_class(cls):
        return MaskingDiff

    # --- columns and keys --------------------------------------------------------------------

    def column_of(self, name: str) -> str:
        for field in self.fields.values():
            if field.attribute == name:
                return field.column_name
        return name

    def field_of(self, name: str) -> Field | None:
        return next((f for f in self.fields.values() if f.attribute == name), None)

    def natural_key_spec(self) -> Spec:
        return tuple(self.fields[name].attribute for name in self.get_import_id_fields())

    def unique_specs(self) -> list[Spec]:
        return self._unique_specs

    def _find_unique_specs(self) -> list[Spec]:
        """Field sets the database keeps unique, where the file can set every field."""
        opts = self._meta.model._meta
        specs = [(f.name,) for f in opts.concrete_fields if f.unique and not f.primary_key]
        specs += [
            tuple(c.fields)
            for c in opts.constraints
            if isinstance(c, UniqueConstraint) and c.fields and c.condition is None
        ]
        return [spec for spec in specs if all(self.field_of(name) for name in spec)]

    def spec_column(self, spec: Spec) -> str:
        return "/".join(self.column_of(name) for name in spec)

    def _attnames(self, spec: Spec) -> list[str]:
        return [self._meta.model._meta.get_field(name).attname for name in spec]

    def instance_key(self, instance, spec: Spec) -> Key:
        return tuple(getattr(instance, attname) for attname in self._attnames(spec))

    def row_key(self, row) -> Key | None:
        parts = []
        for name in self.natural_key_spec():
            field = self.field_of(name)
            try:
                parts.append(_key_part(field.clean(row)))
            except (ValueError, KeyError):
                return None
        return tuple(parts)

    def existing_instance(self, row):
        key = self.row_key(row)
        return None if key is None else self._existing.get(key)

    def _column_values(self, dataset, name: str) -> set | None:
        """The cleaned values of one column, for loading what the file refers to."""
        field = self.field_of(name)
        if field.column_name not in (dataset.headers or []):
            return None
        values = set()
        for raw in dataset[field.column_name]:
            try:
                value = field.clean({field.column_name: raw})
            except (ValueError, KeyError):
                continue
            if value is not None:
                values.add(_key_part(value))
        return values

    def _load(self, queryset, dataset, spec: Spec) -> Iterator:
        values = self._column_values(dataset, spec[0])
        lookup = f"{self._attnames(spec)[0]}__in"
        for chunk in chunked(values or ()):
            yield from queryset.filter(**{lookup: chunk})

    def _load_existing(self, dataset) -> dict[Key, object]:
        spec = self.natural_key_spec()
        return {
            self.instance_key(obj, spec): obj
            for obj in self._load(self.get_queryset(), dataset, spec)
        }

    def _load_registered(self, dataset, spec: Spec) -> dict[Key, int]:
        # The database constraint is global, so this looks beyond the user's scope; it
        # returns keys and ids only, to say "already registered" instead of a crash.
        queryset = self._meta.model._default_manager.only("pk", *spec)
        return {self.instance_key(obj, spec): obj.pk for obj in self._load(queryset, dataset, spec)}

    # --- the import ----------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self._check_columns(dataset)
        self._existing = self._load_existing(dataset)
        self._registered = {
            spec: self._load_registered(dataset, spec) for spec in self.unique_specs()
        }
        self._rows_by_key = {}
        self._saved = []

    def _check_columns(self, dataset) -> None:
        headers = set(dataset.headers or [])
        required = [self.fields[name].column_name for name in self.get_import_id_fields()]
        missing = [header for header in required if header not in headers]
        if missing:
            del dataset[0 : len(dataset)]  # nothing to import row by row: one clear error
            raise ImportFileError(msg.MSG_MISSING_COLUMNS.format(columns=", ".join(missing)))

    def import_row(self, row, instance_loader, **kwargs):
        if all(_is_blank(value) for value in row.values()):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row, **kwargs):
        self._row_number = kwargs.get("row_number", 0)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        self._check_permission(instance, errors)
        self._check_keys(instance, errors)
        try:
            # Uniqueness is checked above against keys read once; foreign keys came from the
            # scoped lookup: Django's own checks would cost queries on every row.
            instance.full_clean(
                exclude=set(errors) | self._looked_up(instance),
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if not errors:
            errors = self._check_constraints(instance)
        if errors:
            raise ValidationError({self.column_of(k): v for k, v in errors.items()})

    def _check_permission(self, instance, errors: dict) -> None:
        if instance._state.adding and not self.can_add:
            errors.setdefault(NON_FIELD_ERRORS, []).append(msg.MSG_NO_ADD_PERMISSION)
        elif not instance._state.adding and not self.can_change:
            errors.setdefault(NON_FIELD_ERRORS, []).append(msg.MSG_NO_CHANGE_PERMISSION)

    def _check_keys(self, instance, errors: dict) -> None:
        unique = self.unique_specs()
        specs = list(dict.fromkeys([self.natural_key_spec(), *unique]))
        for spec in specs:
            key = self.instance_key(instance, spec)
            if any(name in errors for name in spec) or any(part is None for part in key):
                continue
            seen = self._rows_by_key.setdefault(spec, {})
            if key in seen and seen[key] != self._row_number:
                message = msg.MSG_DUPLICATE_IN_FILE.format(row=sheet_row(seen[key]))
                errors.setdefault(self.spec_column(spec), []).append(message)
                continue
            seen[key] = self._row_number
            owner = self._registered.get(spec, {}).get(key) if spec in unique else None
            if owner is not None and owner != instance.pk:
                errors.setdefault(self.spec_column(spec), []).append(msg.MSG_ALREADY_REGISTERED)

    def _looked_up(self, instance) -> set[str]:
        """Foreign keys set from a scoped lookup (or kept from the database): known to exist."""
        opts = self._meta.model._meta
        return {
            f.name
            for f in opts.concrete_fields
            if f.is_relation and getattr(instance, f.attname) is not None
        }

    def _check_constraints(self, instance) -> dict:
        errors: dict = {}
        for constraint in self._meta.model._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                try:
                    constraint.validate(type(instance), instance)
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        return errors

    def after_save_instance(self, instance, row, **kwargs):
        self._saved.append((kwargs.get("row_number", 0), instance.pk))

    def after_import(self, dataset, result, **kwargs):
        # Not ModelResource.after_import: files carry no ids, so no sequence needs a reset.
        if not (result.has_errors() or result.has_validation_errors()):
            self._check_saved_in_scope()

    def _check_saved_in_scope(self) -> None:
        pks = [pk for _row, pk in self._saved if pk is not None]
        visible: set[int] = set()
        for chunk in chunked(pks):
            visible |= set(self.scoped_queryset().filter(pk__in=chunk).values_list("pk", flat=True))
        outside = [row for row, pk in self._saved if pk is not None and pk not in visible]
        if outside:
            raise ImportScopeError(outside)
