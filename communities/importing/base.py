"""The base of the register's import/export resources: scoped, keyed by codes, all-or-nothing.

A resource is built for one user (``Resource(user=request.user)``). It
- reads and updates only rows in ``Model.objects.visible_to(user)``; foreign keys are looked up
  by code among the rows the user may see, each lookup table read once per import;
- finds existing rows by their natural key (``Meta.import_id_fields``), read once per import
  (one query per ``READ_CHUNK`` keys);
- reports a duplicate within the file, a value registered to another row, a missing add/change
  permission, a row the user would not see once written, and every model validation error,
  under the cell's Chinese column header;
- writes nothing row by row: once every row has passed, a real import writes the new rows
  with one COPY on PostgreSQL (``importing.inserting``; ``bulk_create`` elsewhere) and the
  changed ones with ``bulk_update`` in batches of ``CHUNK`` (a dry run writes nothing at
  all), then re-checks with ``visible_to`` that every written row is visible, else fails the
  import.

Rows written in bulk send no ``post_save``: django-auditlog keeps no entry per row; the import's
own audit entry (``importing.audit``) records the file's SHA-256 and the counts. What ``save()``
would do is done here (``normalise()``, ``auto_now``).
"""

from collections.abc import Iterator
from copy import copy

from diff_match_patch import diff_match_patch
from django.contrib.auth import get_permission_codename
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CheckConstraint, UniqueConstraint
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.safestring import SafeString
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult
from import_export.widgets import ManyToManyWidget

from communities.chunks import chunked
from communities.scoping import scope_for

from . import inserting
from . import messages as msg
from .formats import ImportFileError, _is_blank
from .limits import shown
from .widgets import ScopedLookupWidget, TextWidget

CHUNK = 500  # rows per INSERT or UPDATE statement
# Values per ``IN (…)`` when reading: PostgreSQL and SQLite (3.32+: 32,766 parameters a
# statement) both take this comfortably; 20,000 rows are read in 10 queries.
READ_CHUNK = 2000

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


def _key_part(value):
    return getattr(value, "pk", value)


class NaturalKeyInstanceLoader(BaseInstanceLoader):
    """Existing rows come from the resource's per-import cache, never one query per row."""

    def get_instance(self, row):
        return self.resource.existing_instance(row)


class MaskingDiff(resources.Diff):
    """The preview's before/after columns, rendered as an export would (masked if need be),
    each cut to ``IMPORT_PREVIEW_CELL_CHARS``.

    Built for every row of a preview (20,000 rows: most of its time), so it spares the work
    whose result is known: a new row starts from the model's defaults, the same for every
    row (read once per import); a cell left as it was, or new, needs no diff computed."""

    def __init__(self, resource, instance, new):
        if new and instance is not None:
            self.left = resource.blank_diff_values(instance)
        else:
            self.left = self._values(resource, instance)
        self.right = []
        self.new = new

    def compare_with(self, resource, instance):
        self.right = self._values(resource, instance)

    @staticmethod
    def _values(resource, instance) -> list:
        exporters = resource.preview_exporters()
        if instance is None:
            return ["" for _export in exporters]
        return [shown(export(instance)) for export in exporters]

    def as_html(self) -> list:
        # resources.Diff.as_html, without diff_main where its answer is known, and a cell
        # that is one insert, deletion or equal run written as diff_prettyHtml writes it.
        dmp = diff_match_patch()
        data = []
        for v1, v2 in zip(self.left, self.right, strict=False):
            v1, v2 = force_str(v1), force_str(v2)
            if v1 != v2 and self.new:
                v1 = ""
            if v1 == v2:
                html = _pretty(EQUAL_HTML, v1)
            elif not v1:
                html = _pretty(INSERT_HTML, v2)
            elif not v2:
                html = _pretty(DELETE_HTML, v1)
            else:
                diff = dmp.diff_main(v1, v2)
                dmp.diff_cleanupSemantic(diff)
                html = dmp.diff_prettyHtml(diff)
            # As the library does: diff_prettyHtml escapes &, < and > of the cell's text.
            data.append(SafeString(html))  # what mark_safe returns, without its checks per cell
        return data


# diff_prettyHtml's markup of one run (diff_match_patch 20230430 and later).
INSERT_HTML = '<ins style="background:#e6ffe6;">%s</ins>'
DELETE_HTML = '<del style="background:#ffe6e6;">%s</del>'
EQUAL_HTML = "<span>%s</span>"


def _pretty(markup: str, text: str) -> str:
    if not text:
        return ""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return markup % escaped.replace("\n", "&para;<br>")


class RegisterResource(resources.ModelResource):
    #: relations to load with each row (updates, previews and exports)
    select_related: tuple[str, ...] = ()
    #: one plausible row for the import template, by column header
    example_row: dict[str, object] = {}

    #: constraints the model's ``clean()`` already enforces with its own message: not asked
    #: of the database once more for every row
    constraints_in_clean: tuple[str, ...] = ()

    #: whether a row placed under its parents is in the user's area (``importing.scope``)
    @staticmethod
    def in_area(instance, scope) -> bool:
        return False

    class Meta:
        clean_model_instances = True
        # No savepoint per row: rows are collected and written together (``after_import``).
        use_bulk = True
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
        self._columns: dict[str, set | None] = {}
        self._stored_parents: dict[int, tuple] = {}
        self._pending: list[tuple[int, object]] = []
        self._inserted: set[int] = set()
        self._dry_run = False
        self._preview = self._preview_html = False
        self._row_diff: tuple = ()
        self._exporters: list | None = None
        self._import_fields: list | None = None
        self._plan: list | None = None
        self._blank_diff_values: list | None = None
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
        """The cleaned values of one column, for loading what the file refers to (each column
        cleaned once per import)."""
        if name not in self._columns:
            self._columns[name] = self._clean_column(dataset, name)
        return self._columns[name]

    def _clean_column(self, dataset, name: str) -> set | None:
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
        for chunk in chunked(values or (), READ_CHUNK):
            yield from queryset.filter(**{lookup: chunk})

    def _load_existing(self, dataset) -> dict[Key, object]:
        spec = self.natural_key_spec()
        existing = {}
        for obj in self._load(self.get_queryset(), dataset, spec):
            existing[self.instance_key(obj, spec)] = obj
            self._stored_parents[obj.pk] = self._parents(obj)
        return existing

    def _parents(self, instance) -> tuple:
        opts = self._meta.model._meta
        return tuple(getattr(instance, f.attname) for f in opts.concrete_fields if f.is_relation)

    def _load_registered(self, dataset, spec: Spec) -> dict[Key, int]:
        # The database constraint is global, so this looks beyond the user's scope; it
        # returns keys and ids only, to say "already registered" instead of a crash.
        queryset = self._meta.model._default_manager.only("pk", *spec)
        return {self.instance_key(obj, spec): obj.pk for obj in self._load(queryset, dataset, spec)}

    # --- the import ----------------------------------------------------------------------------

    def import_data_inner(self, dataset, dry_run, *args, **kwargs):
        self._dry_run = dry_run
        self._blank_diff_values = None
        self._exporters = self._import_fields = self._plan = None
        # Only a preview shows the before/after of each row; a real import skips them. The
        # library's diff deep-copies every row's instance first (a fifth of a preview's time):
        # the preview's diff is made here instead, its "before" read when the row's instance
        # is found and its "after" once the row is through (the same values, no copy).
        meta = type(self)._meta
        self._preview = dry_run and not meta.skip_diff
        self._preview_html = self._preview and not meta.skip_html_diff
        self._meta = copy(meta)
        self._meta.skip_diff = True
        return super().import_data_inner(dataset, dry_run, *args, **kwargs)

    def after_init_instance(self, instance, new, row, **kwargs):
        if self._preview:
            self._row_diff = (instance, MaskingDiff(self, instance, new))

    def after_import_row(self, row, row_result, **kwargs):
        if self._preview:
            instance, diff = self._row_diff
            diff.compare_with(self, instance)
            if self._preview_html:
                row_result.diff = diff.as_html()

    def get_import_fields(self):
        # The library works them out from the import order on every call: once for each row
        # (and each cell of a preview). They do not change during an import.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def preview_exporters(self) -> list:
        """For each import column, what ``export_field`` would call on an instance (its
        ``dehydrate_`` method, else the field's ``export``): looked up once per import, not
        once per cell of the preview."""
        if self._exporters is None:
            self._exporters = [self._exporter(field) for field in self.get_import_fields()]
        return self._exporters

    def _exporter(self, field):
        method = field.get_dehydrate_method(self.get_field_name(field))
        if not callable(method):
            method = getattr(self, method, None)
        return method if method is not None else field.export

    def blank_diff_values(self, instance) -> list:
        """The preview's "before" of a new row: the model's defaults, the same for each."""
        if self._blank_diff_values is None:
            self._blank_diff_values = MaskingDiff._values(self, instance)
        return self._blank_diff_values

    def before_import(self, dataset, **kwargs):
        self._columns = {}
        self._stored_parents = {}
        self._check_columns(dataset)
        self._existing = self._load_existing(dataset)
        self._registered = {
            spec: self._load_registered(dataset, spec) for spec in self.unique_specs()
        }
        self._rows_by_key = {}
        self._pending = []
        self._inserted = set()

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

    def import_instance(self, instance, row, **kwargs):
        """The library's ``import_instance`` (each column's widget cleans its cell, a default
        replaces an empty value, errors are gathered by field), with the work of its three
        calls per cell (``import_field``, ``Field.save``, ``Field.clean``) done inline for
        the plain columns: 240,000 cells for 20,000 compounds."""
        errors = {}
        for field, plain in self._import_plan():
            if plain and field.column_name not in row:
                continue
            try:
                if not plain:
                    self.import_field(field, instance, row, **kwargs)
                    continue
                value = field.widget.clean(row[field.column_name], row=row, **kwargs)
            except ValueError as error:
                errors[field.attribute] = ValidationError(force_str(error), code="invalid")
                continue
            if value in field.empty_values and field.default is not NOT_PROVIDED:
                value = field.default() if callable(field.default) else field.default
            if value is not None or field.saves_null_values:
                setattr(instance, field.attribute, value)
        if errors:
            raise ValidationError(errors)

    def _import_plan(self) -> list[tuple[Field, bool]]:
        """The import columns (many-to-many ones left out, as the library does), each marked
        plain when ``Field.save`` would set one attribute of the instance itself."""
        if self._plan is None:
            self._plan = [
                (field, self._plain(field))
                for field in self.get_import_fields()
                if field.attribute and not isinstance(field.widget, ManyToManyWidget)
            ]
        return self._plan

    def _plain(self, field: Field) -> bool:
        basic = type(field) is Field and not field.readonly and "__" not in field.attribute
        return basic and not self.imports_itself(field)

    def imports_itself(self, field: Field) -> bool:
        """Whether ``field`` goes through this resource's own ``import_field``: every field
        when a resource overrides it, unless it says which fields it handles itself."""
        return type(self).import_field is not resources.Resource.import_field

    def before_import_row(self, row, **kwargs):
        self._row_number = kwargs.get("row_number", 0)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        self._check_permission(instance, errors)
        self._check_keys(instance, errors)
        # Model.full_clean() without its queries: uniqueness is checked above against keys read
        # once; foreign keys came from the scoped lookup; clean() gets what was read once.
        try:
            instance.clean_fields(exclude=set(errors) | self._looked_up(instance))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance.clean(**self.clean_kwargs(instance))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if not errors:
            errors = self._check_constraints(instance)
        if errors:
            raise ValidationError({self.column_of(k): v for k, v in errors.items()})

    def clean_kwargs(self, instance) -> dict:
        """What the model's ``clean()`` may take instead of reading it row by row."""
        return {}

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
            if (
                isinstance(constraint, CheckConstraint)
                and constraint.name not in self.constraints_in_clean
            ):
                try:
                    constraint.validate(type(instance), instance)
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        return errors

    # --- writing, all rows at once ------------------------------------------------------------

    def save_instance(self, instance, is_create, row, **kwargs):
        # Nothing is written row by row (not even in a transaction rolled back later): a row
        # that passed waits for the others, and ``after_import`` writes them all.
        self._pending.append((kwargs.get("row_number", 0), instance))

    def after_import(self, dataset, result, **kwargs):
        # Not ModelResource.after_import: files carry no ids, so no sequence needs a reset.
        if result.has_errors() or result.has_validation_errors():
            return  # all or nothing: one bad row and no row is written
        self._check_scope_before_writing()
        if not self._dry_run:
            self._write()
            self._check_saved_in_scope()

    def _check_scope_before_writing(self) -> None:
        scope = scope_for(self.user)
        if scope.everything:
            return
        outside = [row for row, obj in self._pending if not self.stays_visible(obj, scope)]
        if outside:
            raise ImportScopeError(outside)

    def _visible_ids(self, pks: list[int]) -> set[int]:
        visible: set[int] = set()
        for chunk in chunked(pks, READ_CHUNK):
            visible |= set(self.scoped_queryset().filter(pk__in=chunk).values_list("pk", flat=True))
        return visible

    def stays_visible(self, instance, scope) -> bool:
        """Whether the user will see the row once written: an existing row under the same
        parents still is (it was read from ``visible_to``); else its new parents decide."""
        stored = self._stored_parents.get(instance.pk) if instance.pk is not None else None
        if stored is not None and stored == self._parents(instance):
            return True
        return self.in_area(instance, scope) or self.kept_by_id(instance, scope)

    def kept_by_id(self, instance, scope) -> bool:
        """Whether an existing row stays visible through its own id whatever its parents."""
        return False

    def _write(self) -> None:
        manager = self._meta.model._default_manager
        new = [obj for _row, obj in self._pending if obj._state.adding]
        changed = [obj for _row, obj in self._pending if not obj._state.adding]
        now = timezone.now()
        for obj in new + changed:
            self.prepare_for_writing(obj, now)
        inserting.insert(self._meta.model, new)
        self._inserted = {obj.pk for obj in new}
        if changed:
            manager.bulk_update(changed, self._fields_to_update(), batch_size=CHUNK)

    def prepare_for_writing(self, instance, now) -> None:
        """What ``save()`` does that ``bulk_create``/``bulk_update`` do not."""
        normalise = getattr(instance, "normalise", None)
        if normalise is not None:
            normalise()
        if not instance._state.adding:
            for field in self._auto_now_fields():
                setattr(instance, field.attname, now)

    def _auto_now_fields(self) -> list:
        opts = self._meta.model._meta
        return [f for f in opts.concrete_fields if getattr(f, "auto_now", False)]

    def _fields_to_update(self) -> list[str]:
        opts = self._meta.model._meta
        imported = {field.attribute for field in self.get_import_fields()}
        names = [f.name for f in opts.concrete_fields if f.name in imported and not f.primary_key]
        return names + [f.name for f in self._auto_now_fields()]

    def _check_saved_in_scope(self) -> None:
        saved = [(row, obj.pk) for row, obj in self._pending]
        visible = self._visible_ids([pk for _row, pk in saved if pk not in self._inserted])
        if self._inserted:
            # New rows' ids were handed out together: one read over their range, not IN lists.
            span = (min(self._inserted), max(self._inserted))
            visible |= set(
                self.scoped_queryset().filter(pk__range=span).values_list("pk", flat=True)
            )
        outside = [row for row, pk in saved if pk not in visible]
        if outside:
            raise ImportScopeError(outside)

    def _visible_ids(self, pks: list[int]) -> set[int]:
        visible: set[int] = set()
        for chunk in chunked(pks, READ_CHUNK):
            visible |= set(self.scoped_queryset().filter(pk__in=chunk).values_list("pk", flat=True))
        return visible
