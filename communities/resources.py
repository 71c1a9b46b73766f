"""The register's import/export files: Chinese column headers, rows that refer to each other
by code, existing rows found by their natural key. See ``communities.importing.base``."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export.fields import Field

from communities import models as m
from communities.importing import scope as in_scope
from communities.importing.base import READ_CHUNK, RegisterResource, chunked, column
from communities.importing.widgets import (
    ChoiceWidget,
    CodeWidget,
    DateWidget,
    IdNumberWidget,
    IntegerWidget,
    NameWidget,
    ScopedLookupWidget,
    YesNoWidget,
)
from communities.privacy import (
    can_see_personal_data,
    mask_value,
    personal_fields,
    personal_value,
)
from communities.validators import credit_code_check_char, id_number_check_char
from communities.vocabulary import file_word

from .importing import messages as msg

# Column headers: the file format, the catalogue's words (tests/test_vocabulary.py checks).
DISTRICT_CODE = "区县代码"
STREET_CODE = "街道代码"
COMMUNITY_CODE = "社区代码"
COMPOUND_CODE = "小区编码"
CREDIT_CODE = "统一社会信用代码"
NAME = "名称"
ADDRESS = "地址"
# Headers that are no field's verbose name on a screen: still words of the catalogue.
COMPOUND_KIND = file_word(_("compound type"))
HEAD_PHONE = file_word(_("head of household's phone"))
HEAD_ID_NUMBER = file_word(_("head of household's ID number"))
LANDLORD_NAME = file_word(pgettext_lazy("export header", "landlord's name"))
LANDLORD_PHONE = file_word(pgettext_lazy("export header", "landlord's phone"))

# Choices are written with their model labels (communities.vocabulary); the stored value and
# the words of older files are read too ("also accepted").
KIND_ALIASES = {
    "商品房": m.CompoundKind.COMMODITY,
    "安置房": m.CompoundKind.RESETTLEMENT,
    "单位自建房": m.CompoundKind.WORK_UNIT,
}
MODE_ALIASES = {
    "物业公司": m.ManagementMode.PROPERTY_COMPANY,
    "准物业": m.ManagementMode.QUASI,
    "自管": m.ManagementMode.SELF,
    "无物业": m.ManagementMode.NONE,
}

EXAMPLE_CREDIT_CODE = "91110105000000001" + credit_code_check_char("91110105000000001")
EXAMPLE_ID_NUMBER = "11010119900307123" + id_number_check_char("11010119900307123")


class DistrictResource(RegisterResource):
    code = column("code", DISTRICT_CODE, CodeWidget())
    name = column("name", NAME)
    example_row = {DISTRICT_CODE: "110105", NAME: "朝阳区"}
    in_area = staticmethod(in_scope.district_in_area)

    def clean_kwargs(self, instance) -> dict:
        # Found by its code: the code in the database is the one in the file.
        return {} if instance._state.adding else {"stored_code": instance.code}

    class Meta:
        model = m.District
        fields = ["code", "name"]
        import_id_fields = ["code"]
        name = "区县"


class StreetResource(RegisterResource):
    code = column("code", STREET_CODE, CodeWidget())
    name = column("name", NAME)
    district = column("district", DISTRICT_CODE, ScopedLookupWidget(m.District))
    select_related = ("district",)
    example_row = {STREET_CODE: "110105001", NAME: "和平街道", DISTRICT_CODE: "110105"}
    in_area = staticmethod(in_scope.street_in_area)

    def clean_kwargs(self, instance) -> dict:
        # Found by its code: the code in the database is the one in the file.
        return {} if instance._state.adding else {"stored_code": instance.code}

    class Meta:
        model = m.Street
        fields = ["code", "name", "district"]
        import_id_fields = ["code"]
        name = "街道"


class CommunityResource(RegisterResource):
    code = column("code", COMMUNITY_CODE, CodeWidget())
    name = column("name", NAME)
    street = column("street", STREET_CODE, ScopedLookupWidget(m.Street))
    select_related = ("street",)
    example_row = {COMMUNITY_CODE: "110105001001", NAME: "幸福社区", STREET_CODE: "110105001"}
    in_area = staticmethod(in_scope.community_in_area)

    class Meta:
        model = m.Community
        fields = ["code", "name", "street"]
        import_id_fields = ["code"]
        name = "社区"


class CompoundResource(RegisterResource):
    code = column("code", COMPOUND_CODE, CodeWidget())
    name = column("name", NAME)
    community = column(
        "community", COMMUNITY_CODE, ScopedLookupWidget(m.Community, related=("street",))
    )
    address = column("address", ADDRESS)
    household_count = column("household_count", "户数", IntegerWidget())
    building_count = column("building_count", "楼栋数", IntegerWidget())
    year_built = column("year_built", "建成年份", IntegerWidget())
    kind = column("kind", COMPOUND_KIND, ChoiceWidget(m.CompoundKind, KIND_ALIASES))
    has_owners_committee = column("has_owners_committee", "业主委员会", YesNoWidget())
    management_mode = column(
        "management_mode", "管理模式", ChoiceWidget(m.ManagementMode, MODE_ALIASES)
    )
    title_level = column("title_level", "平安小区称号", ChoiceWidget(m.SafeTitleLevel))
    title_year = column("title_year", "称号年份", IntegerWidget())
    select_related = ("community__street",)
    in_area = staticmethod(in_scope.compound_in_area)
    example_row = {
        COMPOUND_CODE: "XQ0001",
        NAME: "阳光小区",
        COMMUNITY_CODE: "110105001001",
        ADDRESS: "和平路1号",
        "户数": 480,
        "楼栋数": 12,
        "建成年份": 2005,
        COMPOUND_KIND: m.CompoundKind.COMMODITY.label,
        "业主委员会": "是",
        "管理模式": m.ManagementMode.PROPERTY_COMPANY.label,
        "平安小区称号": m.SafeTitleLevel.COUNTY.label,
        "称号年份": 2024,
    }

    def kept_by_id(self, instance, scope) -> bool:
        # A compound a company runs stays its own wherever it is moved.
        if not hasattr(self, "_managed_ids"):
            self._managed_ids = set(scope.managed_compounds().values_list("pk", flat=True))
        return instance.pk in self._managed_ids

    class Meta:
        model = m.Compound
        fields = [
            "code",
            "name",
            "community",
            "address",
            "household_count",
            "building_count",
            "year_built",
            "kind",
            "has_owners_committee",
            "management_mode",
            "title_level",
            "title_year",
        ]
        import_id_fields = ["code"]
        name = "小区"


class PropertyCompanyResource(RegisterResource):
    credit_code = column("credit_code", CREDIT_CODE, CodeWidget(upper=True))
    name = column("name", NAME)
    district = column("district", DISTRICT_CODE, ScopedLookupWidget(m.District))
    contact_person = column("contact_person", "联系人")
    contact_phone = column("contact_phone", "联系电话")
    address = column("address", ADDRESS)
    select_related = ("district",)
    in_area = staticmethod(in_scope.company_in_area)
    example_row = {
        CREDIT_CODE: EXAMPLE_CREDIT_CODE,
        NAME: "安居物业服务有限公司",
        DISTRICT_CODE: "110105",
        "联系人": "王经理",
        "联系电话": "13800000000",
        ADDRESS: "和平路2号",
    }

    def get_queryset(self):
        # Updates only to companies on the user's own register (see PropertyCompany.editable_by).
        return super().get_queryset().editable_by(self.user)

    def kept_by_id(self, instance, scope) -> bool:
        return instance.pk in scope.company_ids

    class Meta:
        model = m.PropertyCompany
        fields = ["credit_code", "name", "district", "contact_person", "contact_phone", "address"]
        import_id_fields = ["credit_code"]
        name = "物业公司"


class ManagementTermResource(RegisterResource):
    """Overlapping terms are found against every term of the file's compounds, read once per
    import, and against the rows above in the file."""

    compound = column(
        "compound",
        COMPOUND_CODE,
        ScopedLookupWidget(m.Compound, related=("community__street",)),
    )
    company = column(
        "company", CREDIT_CODE, ScopedLookupWidget(m.PropertyCompany, "credit_code", upper=True)
    )
    start = column("start", "开始日期", DateWidget())
    end = column("end", "结束日期", DateWidget())
    contract_number = column("contract_number", "合同编号")
    select_related = ("compound__community__street", "company")
    in_area = staticmethod(in_scope.term_in_area)
    constraints_in_clean = ("term_end_after_start",)  # MSG_TERM_ORDER
    example_row = {
        COMPOUND_CODE: "XQ0001",
        CREDIT_CODE: EXAMPLE_CREDIT_CODE,
        "开始日期": "2024-01-01",
        "结束日期": "",
        "合同编号": "WY-2024-001",
    }

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # Every compound's terms (any company's, as the overlap rule reads them): id → dates.
        self._terms: dict[int, dict[object, tuple]] = {}
        compounds = self._column_values(dataset, "compound") or ()
        for chunk in chunked(compounds, READ_CHUNK):
            terms = m.ManagementTerm.objects.filter(compound_id__in=chunk)
            dates = terms.values_list("pk", "compound_id", "start", "end")
            for pk, compound_id, start, end in dates:
                self._terms.setdefault(compound_id, {})[pk] = (start, end)

    def _term_id(self, instance):
        return instance.pk if instance.pk is not None else ("row", self._row_number)

    def clean_kwargs(self, instance) -> dict:
        own = self._term_id(instance)
        terms = self._terms.get(instance.compound_id, {})
        return {"others": [dates for pk, dates in terms.items() if pk != own]}

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        # The rows below see this one as the compound's term, with the file's dates.
        terms = self._terms.setdefault(instance.compound_id, {})
        terms[self._term_id(instance)] = (instance.start, instance.end)

    class Meta:
        model = m.ManagementTerm
        fields = ["compound", "company", "start", "end", "contract_number"]
        import_id_fields = ["compound", "company", "start"]
        name = "物业服务期"


class HouseholdResource(RegisterResource):
    """Personal data is exported masked unless the user may see it; a masked value in an
    import leaves the stored one unchanged, and only users who may see personal data change
    it on existing households (as in the admin)."""

    compound = column("compound", COMPOUND_CODE, ScopedLookupWidget(m.Compound))
    building = column("building", "楼栋", NameWidget())
    unit = column("unit", "单元", NameWidget())
    room = column("room", "房号", NameWidget())
    occupancy = column("occupancy", "居住状态", ChoiceWidget(m.Occupancy))
    residents = column("residents", "居住人数", IntegerWidget())
    floating_residents = column("floating_residents", "流动人口数", IntegerWidget())
    head_name = column("head_name", "户主姓名", NameWidget())
    head_phone = column("head_phone", HEAD_PHONE)
    head_id_number = column("head_id_number", HEAD_ID_NUMBER, IdNumberWidget())
    # Optional columns: a file without them leaves the landlord on record as it is.
    landlord_name = column("landlord_name", LANDLORD_NAME, NameWidget())
    landlord_phone = column("landlord_phone", LANDLORD_PHONE)
    select_related = ("compound",)
    in_area = staticmethod(in_scope.household_in_area)
    example_row = {
        COMPOUND_CODE: "XQ0001",
        "楼栋": "1",
        "单元": "2",
        "房号": "301",
        "居住状态": m.Occupancy.OWNER.label,
        "居住人数": 3,
        "流动人口数": 0,
        "户主姓名": "李四",
        HEAD_PHONE: "13800000000",
        HEAD_ID_NUMBER: EXAMPLE_ID_NUMBER,
        LANDLORD_NAME: "",
        LANDLORD_PHONE: "",
    }

    class Meta:
        model = m.Household
        fields = [
            "compound",
            "building",
            "unit",
            "room",
            "occupancy",
            "residents",
            "floating_residents",
            "head_name",
            "head_phone",
            "head_id_number",
            "landlord_name",
            "landlord_phone",
        ]
        import_id_fields = ["compound", "building", "unit", "room"]
        name = "住户"

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.shows_personal_data = can_see_personal_data(user)

    def _personal(self, obj, name: str) -> str:
        return personal_value(obj, name, shown=self.shows_personal_data)

    def dehydrate_head_name(self, obj) -> str:
        return self._personal(obj, "head_name")

    def dehydrate_head_phone(self, obj) -> str:
        return self._personal(obj, "head_phone")

    def dehydrate_head_id_number(self, obj) -> str:
        return self._personal(obj, "head_id_number")

    def dehydrate_landlord_name(self, obj) -> str:
        return self._personal(obj, "landlord_name")

    def dehydrate_landlord_phone(self, obj) -> str:
        return self._personal(obj, "landlord_phone")

    def imports_itself(self, field: Field) -> bool:
        return field.attribute in personal_fields(m.Household)

    def import_field(self, field: Field, instance, row, is_m2m=False, **kwargs):
        if field.attribute in personal_fields(m.Household) and field.column_name in row:
            self._import_personal(field, instance, row)
        else:
            super().import_field(field, instance, row, is_m2m, **kwargs)

    def _import_personal(self, field: Field, instance, row) -> None:
        value = field.clean(row)
        if not instance._state.adding:
            current = getattr(instance, field.attribute) or ""
            if value == mask_value(m.Household, field.attribute, current):
                return  # as exported: unchanged
            if not self.shows_personal_data:
                raise ValueError(msg.MSG_PERSONAL_READ_ONLY)
        if "*" in value:
            raise ValueError(msg.MSG_MASKED_VALUE)
        setattr(instance, field.attribute, value)
