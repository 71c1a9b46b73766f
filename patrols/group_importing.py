"""Import of watch groups with their households from a spreadsheet: all or nothing.

The file is the export's sheet «十户联防组» (one row per household: compound code, group
number, kind, building, unit, room, whether it is the leader's household, the leader's name and
phone, the date formed), so an exported file imports back into another deployment or after
corrections. It is read with the register's defensive reader (``communities.importing``: only
real .xlsx, size, row, column and cell limits) and every problem is named by row and column:

1. each row: the compound among the user's visible compounds, the household by building, unit
   and room in that compound (occupied), the kind, 是/否, the phone, the date (not later than
   today); a household twice in the file (both rows named);
2. each group (compound + number): not already on the register, between the size bounds, at
   most one leader's household, in no other active group;
3. the groups that passed are formed through ``watch_groups.groups_create`` in one transaction,
   which checks them again; if any row or group failed, or for the preview, everything is
   rolled back.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from communities.exporting import xlsx_bytes
from communities.importing import messages as msg
from communities.importing.formats import ImportFileError
from communities.importing.sheets import (
    MSG_COMPOUND_NOT_FOUND,
    MSG_NO_HOUSEHOLD,
    MSG_REQUIRED,
    SheetImportResult,
    read_sheet,
)
from communities.importing.widgets import ChoiceWidget, DateWidget, YesNoWidget, cell_text
from communities.models import Compound, Household, Occupancy
from communities.privacy import mask_value
from communities.validators import normalize_phone, normalize_text, validate_phone
from communities.vocabulary import FILE_LANGUAGE, choice_label
from communities.workflow import WorkflowError

from . import group_exporting as x
from .models import GroupKind, WatchGroup, WatchGroupMembership
from .watch_groups import GroupSpec, groups_create, size_bounds

IMPORT_PERMISSION = "patrols.import_watchgroup"
HEADERS = [c.header for c in x.GROUP_COLUMNS]
REQUIRED = [x.COMPOUND_CODE, x.NUMBER_, x.BUILDING, x.ROOM]
IGNORED = {x.COMPOUND_NAME, x.STATUS}

MSG_VACANT = _("Household {address} is vacant: only occupied households join a group.")
MSG_TWICE = _("Household {address} is also on row {other}.")
MSG_IN_GROUP = _("Household {address} is already in watch group {group}.")
MSG_NUMBER_TAKEN = _("{compound} already has a watch group numbered {number}.")
MSG_SIZE = _("Watch group {number} has {count} households: a group has {low} to {high}.")
MSG_TWO_LEADERS = _("Watch group {number} has more than one leader's household (rows {rows}).")
MSG_FUTURE_DATE = _("The date cannot be later than today.")
MSG_NO_ROWS = _("The file holds no households: fill in rows below the header.")

_kind = ChoiceWidget(GroupKind)
_yes_no = YesNoWidget()
_date = DateWidget()


@dataclass
class Row:
    number: int
    values: dict
    household: Household | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)

    def error(self, column: str, message) -> None:
        self.errors.append((column, str(message)))


@dataclass
class GroupRows:
    """The rows of one group in the file; ``preview()`` is what the confirmation page shows."""

    compound: Compound
    number: str
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def first(self) -> Row:
        return self.rows[0]

    def value(self, key: str, default=None):
        return next((r.values[key] for r in self.rows if r.values.get(key)), default)

    def leader(self) -> Household | None:
        return next((r.household for r in self.rows if r.values.get("leader")), None)

    def spec(self) -> GroupSpec:
        return GroupSpec(
            households=[r.household for r in self.rows],
            number=self.number,
            kind=self.value("kind", GroupKind.TEN_HOUSEHOLD),
            leader=self.leader(),
            leader_name=self.value("leader_name", ""),
            leader_phone=self.value("leader_phone", ""),
        )

    def preview(self) -> list:
        name = self.value("leader_name", "") or (self.leader().head_name if self.leader() else "")
        return [
            f"{self.compound.code} {self.compound.name}",
            self.number,
            choice_label(GroupKind, self.value("kind", GroupKind.TEN_HOUSEHOLD)),
            len(self.rows),
            mask_value(WatchGroup, "leader_name", name),
            self.value("formed_on", "") or timezone.localdate(),
        ]


PREVIEW_HEADERS = [x.COMPOUND_CODE, x.NUMBER_, x.KIND, "户数", x.LEADER_NAME, x.FORMED_ON]


def _read(data: bytes) -> list[tuple[int, dict]]:
    return read_sheet(
        data, headers=HEADERS, required=REQUIRED, ignored=IGNORED, no_rows=MSG_NO_ROWS
    )


class GroupImport:
    def __init__(self, user):
        self.user = user
        self.today = timezone.localdate()
        self.compounds = {c.code.upper(): c for c in Compound.objects.visible_to(user)}

    def _parse(self, number: int, raw: dict) -> Row:
        row = Row(number=number, values={})
        text = {h: normalize_text(cell_text(raw.get(h))) for h in HEADERS}
        for header in REQUIRED:
            if not text.get(header):
                row.error(header, MSG_REQUIRED)
        code = text[x.COMPOUND_CODE]
        compound = self.compounds.get(code.upper()) if code else None
        if code and compound is None:
            row.error(x.COMPOUND_CODE, MSG_COMPOUND_NOT_FOUND.format(code=code))
        values = row.values
        values.update(
            compound=compound,
            group=text[x.NUMBER_],
            address=(text[x.BUILDING], text[x.UNIT], text[x.ROOM]),
        )
        for header, key, widget in (
            (x.KIND, "kind", _kind),
            (x.IS_LEADER, "leader", _yes_no),
            (x.FORMED_ON, "formed_on", _date),
        ):
            try:
                values[key] = widget.clean(raw.get(header))
            except ValueError as refused:
                row.error(header, refused)
        if values.get("formed_on") and values["formed_on"] > self.today:
            row.error(x.FORMED_ON, MSG_FUTURE_DATE)
        values["leader_name"] = text[x.LEADER_NAME]
        phone = normalize_phone(text[x.LEADER_PHONE])
        if phone:
            try:
                validate_phone(phone)
            except Exception as refused:  # a ValidationError with a list of messages
                row.error(x.LEADER_PHONE, "; ".join(getattr(refused, "messages", [str(refused)])))
        values["leader_phone"] = phone
        return row

    def _households(self, rows: list[Row]) -> None:
        """Find each row's household (one query for every compound of the file)."""
        compounds = {r.values["compound"].pk for r in rows if r.values.get("compound")}
        found = {
            (h.compound_id, h.building, h.unit, h.room): h
            for h in Household.objects.filter(compound_id__in=compounds)
        }
        seen: dict[int, int] = {}
        for row in rows:
            compound = row.values.get("compound")
            building, unit, room = row.values["address"]
            if compound is None or not building or not room:
                continue
            address = "-".join(p for p in row.values["address"] if p)
            household = found.get((compound.pk, building, unit, room))
            if household is None:
                row.error(x.ROOM, MSG_NO_HOUSEHOLD.format(compound=compound.name, address=address))
            elif household.occupancy == Occupancy.VACANT:
                row.error(x.ROOM, MSG_VACANT.format(address=address))
            elif household.pk in seen:
                row.error(x.ROOM, MSG_TWICE.format(address=address, other=seen[household.pk]))
            else:
                seen[household.pk] = row.number
                row.household = household

    def _groups(self, rows: list[Row]) -> list[GroupRows]:
        groups: dict[tuple, GroupRows] = {}
        for row in rows:
            compound = row.values.get("compound")
            if compound is not None and row.values["group"]:
                key = (compound.pk, row.values["group"])
                groups.setdefault(key, GroupRows(compound, row.values["group"])).rows.append(row)
        return list(groups.values())

    def _check_groups(self, groups: list[GroupRows]) -> None:
        low, high = size_bounds()
        taken = set(
            WatchGroup.objects.filter(compound__in=[g.compound for g in groups]).values_list(
                "compound_id", "number"
            )
        )
        households = [r.household.pk for g in groups for r in g.rows if r.household]
        in_groups = {
            m.household_id: m.group.number
            for m in WatchGroupMembership.objects.current()
            .filter(household_id__in=households)
            .select_related("group")
        }
        for group in groups:
            first = group.first()
            if (group.compound.pk, group.number) in taken:
                first.error(
                    x.NUMBER_,
                    MSG_NUMBER_TAKEN.format(compound=group.compound.name, number=group.number),
                )
            if not low <= len(group.rows) <= high:
                first.error(
                    x.NUMBER_,
                    MSG_SIZE.format(number=group.number, count=len(group.rows), low=low, high=high),
                )
            leaders = [str(r.number) for r in group.rows if r.values.get("leader")]
            if len(leaders) > 1:
                first.error(
                    x.IS_LEADER,
                    MSG_TWO_LEADERS.format(number=group.number, rows="、".join(leaders)),
                )
            for row in group.rows:
                if row.household and row.household.pk in in_groups:
                    address = "-".join(p for p in row.values["address"] if p)
                    row.error(
                        x.ROOM,
                        MSG_IN_GROUP.format(address=address, group=in_groups[row.household.pk]),
                    )

    def run(self, data: bytes, *, commit: bool) -> SheetImportResult:
        try:
            raw_rows = _read(data)
        except ImportFileError as refused:
            return SheetImportResult(lines=[str(refused)])
        rows = [self._parse(number, raw) for number, raw in raw_rows]
        self._households(rows)
        groups = self._groups(rows)
        self._check_groups(groups)
        lines = [
            str(msg.MSG_CELL_ERROR.format(row=r.number, column=column, message=message))
            for r in rows
            for column, message in r.errors
        ]
        result = SheetImportResult(rows=groups, lines=lines)
        if lines:
            return result
        try:
            with transaction.atomic():
                self._write(groups)
                if not commit:
                    transaction.set_rollback(True)
        except WorkflowError as refused:
            result.lines.append(str(refused.message))
            return result
        result.committed = commit
        return result

    def _write(self, groups: list[GroupRows]) -> None:
        by_compound: dict[int, list[GroupRows]] = {}
        for group in groups:
            by_compound.setdefault(group.compound.pk, []).append(group)
        for compound_groups in by_compound.values():
            by_date: dict[datetime.date, list[GroupRows]] = {}
            for group in compound_groups:
                by_date.setdefault(group.value("formed_on") or self.today, []).append(group)
            for formed_on, dated in by_date.items():
                groups_create(
                    actor=self.user,
                    compound=dated[0].compound,
                    specs=[g.spec() for g in dated],
                    formed_on=formed_on,
                )


def groups_import(*, user, data: bytes, commit: bool) -> SheetImportResult:
    """Check a file of watch groups and, with ``commit`` and no problem anywhere, form them."""
    return GroupImport(user).run(data, commit=commit)


def groups_template_bytes(user) -> bytes:
    """The file to fill in: the export's headers and an example group of five households."""
    first = Compound.objects.visible_to(user).order_by("code").values_list("code", flat=True)
    code = first.first() or "XQ0001"
    example = [
        [
            code,
            "",
            "1",
            "十户联防",
            "1",
            "1",
            f"{room}",
            "是" if room == 101 else "否",
            "",
            "",
            "",
            "",
        ]
        for room in (101, 102, 201, 202, 301)
    ]
    with override(FILE_LANGUAGE):
        return xlsx_bytes([("十户联防组", HEADERS, example)])
