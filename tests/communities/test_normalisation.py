"""Unicode digits and invisible characters: what is typed or imported is stored as ASCII digits
and names without zero-width or bidirectional control characters (issue 10)."""

import io

import pytest
import tablib
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from communities import models as m
from communities import resources as r
from communities import validators as v
from communities.importing.errors import import_error_lines
from communities.importing.widgets import CodeWidget, DateWidget, IntegerWidget, cell_text
from communities.services import membership_set
from disputes import resources as dr
from disputes import services as ds
from disputes.models import Category, DisputeCase, Level, Party, Source
from tests import factories as f

PHONE = "13800138000"
FULL_WIDTH_PHONE = "13８００１３８０００"
ARABIC_INDIC_PHONE = "١٣٨٠٠١٣٨٠٠٠"
ID = f.valid_id_number(7)  # an 18-character ASCII ID number with a right check digit
FULL = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
# Half the ID in full-width digits, the other half in Arabic-Indic: as the probe typed it.
MIXED_ID = ID[:9].translate(FULL) + ID[9:17].translate(ARABIC) + ID[17]
INVISIBLE_NAME = "\u202e王\u200b小\u200d明\u2066"


# --- the normalisers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", [FULL_WIDTH_PHONE, ARABIC_INDIC_PHONE, PHONE.translate(DEVANAGARI), "\u200b" + PHONE]
)
def test_a_phone_in_any_digits_is_normalised_to_ascii_and_valid(typed):
    assert v.normalize_phone(typed) == PHONE
    assert v.validate_phone(typed) is None


def test_an_id_number_mixing_scripts_is_normalised_to_ascii_and_valid():
    assert v.normalize_id_number(MIXED_ID) == ID
    assert v.validate_id_number(MIXED_ID) is None
    assert v.normalize_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


@pytest.mark.parametrize(
    "typed",
    [
        ID[:15] + "\u1369" + ID[16:],  # Ethiopic digit one: isdigit() but no decimal value
        ID[:15] + "\u2171" + ID[16:],  # Roman numeral two: NFKC gives "ii", not a digit
        ID[:15] + "²" + ID[16:],  # superscript two: NFKC gives 2, so the check digit fails
    ],
)
def test_a_digit_like_character_that_is_not_a_valid_digit_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        v.validate_id_number(typed)
    assert error.value.messages[0] in {str(v.MSG_ID_FORMAT), str(v.MSG_ID_CHECK)}


def test_a_non_decimal_digit_is_refused_with_the_format_message():
    with pytest.raises(ValidationError) as error:
        v.validate_id_number(ID[:15] + "\u1369" + ID[16:])
    assert error.value.messages == [str(v.MSG_ID_FORMAT)]


def test_credit_codes_and_region_codes():
    code = "91110000600037341L"
    assert v.normalize_credit_code(code.translate(FULL).lower() + "\u200b") == code
    assert v.validate_credit_code("９１１１００００６０００３７３４１ｌ") is None
    # A region code's validator refuses what is not ASCII; the import normalises it first.
    with pytest.raises(ValidationError):
        v.validate_district_code("١١٠١٠٥")
    assert CodeWidget().clean("١١٠١٠٥") == "110105"


def test_normalize_text_removes_every_invisible_and_bidi_control():
    typed = "张" + "".join(sorted(v.INVISIBLE_CHARS)) + "三"
    assert v.normalize_text(typed) == "张三"
    assert v.normalize_text(" ＡＢＣ　") == "ABC"
    assert v.normalize_text("阿依古丽·买买提") == "阿依古丽·买买提"  # the middle dot stays
    assert v.normalize_text("甲物业（更名）") == "甲物业（更名）"  # Chinese punctuation stays


def test_ascii_int_never_lets_other_digits_reach_int():
    assert v.ascii_int("12") == 12
    assert v.ascii_int("١٢") is None
    assert v.ascii_int("１２") is None
    assert v.ascii_int("9" * 19) is None  # larger than a database integer
    assert v.ascii_int(None) is None


def test_import_widgets_read_other_digits_as_ascii():
    assert IntegerWidget().clean("١٢") == 12
    assert DateWidget().clean("２０２６-１１-０１").isoformat() == "2026-11-01"
    assert cell_text("\u200b王\u202e小明") == "王小明"


# --- through the models and services -----------------------------------------------------------


def test_a_household_stores_ascii_digits_and_a_clean_name(city):
    household = city.households["A1"]
    household.head_name = INVISIBLE_NAME
    household.head_phone = FULL_WIDTH_PHONE
    household.head_id_number = MIXED_ID
    household.full_clean()
    household.save()

    household.refresh_from_db()
    assert (household.head_name, household.head_phone, household.head_id_number) == (
        "王小明",
        PHONE,
        ID,
    )


def test_a_registered_case_stores_parties_normalised(city):
    case = ds.case_register(
        actor=city.manager_a,
        compound=city.compounds["A1"],
        level=Level.COMMUNITY,
        category=Category.NOISE,
        source=Source.RESIDENT,
        description="楼上装修噪声扰民",
        parties=[
            {
                "role": "applicant",
                "name": INVISIBLE_NAME,
                "phone": ARABIC_INDIC_PHONE,
                "id_number": MIXED_ID,
            }
        ],
    )
    assert list(case.parties.values_list("name", "phone", "id_number")) == [("王小明", PHONE, ID)]


def test_a_party_saved_directly_is_normalised(city):
    case = ds.case_register(
        actor=city.manager_a,
        compound=city.compounds["A1"],
        level=Level.COMMUNITY,
        category=Category.NOISE,
        source=Source.RESIDENT,
        description="噪声",
        parties=[{"role": "applicant", "name": "王小明"}],
    )
    party = Party.objects.create(
        case=case, role="respondent", name="李\u200d大海", phone="１３８００１３８０００"
    )
    party.refresh_from_db()
    assert (party.name, party.phone) == ("李大海", PHONE)


def test_a_company_stores_its_name_and_phone_normalised(city):
    code = "91110000600037341L"
    company = m.PropertyCompany(
        name="\u202e安居物业（８号）\u200b",
        credit_code=code.translate(FULL),
        district=city.district,
        contact_phone=FULL_WIDTH_PHONE,
    )
    company.full_clean()
    company.save()
    company.refresh_from_db()
    assert (company.name, company.credit_code, company.contact_phone) == (
        "安居物业（8号）",
        code,
        PHONE,
    )


# --- through the imports -----------------------------------------------------------------------


@pytest.fixture
def staff_a(city):
    user = f.UserFactory(username="staff_a")
    membership_set(user=user, organisation=city.org.company_a, role=m.Role.STAFF)
    return type(user).objects.get(pk=user.pk)


def test_the_household_import_stores_ascii_digits_and_clean_names(city, staff_a):
    dataset = tablib.Dataset(
        headers=["小区编码", "楼栋", "单元", "房号", "户主姓名", "户主电话", "户主身份证号"]
    )
    dataset.append(["A1", "８", "1", "801", INVISIBLE_NAME, FULL_WIDTH_PHONE, MIXED_ID])
    result = r.HouseholdResource(user=staff_a).import_data(
        dataset, dry_run=False, rollback_on_validation_errors=True
    )

    assert import_error_lines(result) == []
    household = m.Household.objects.get(compound=city.compounds["A1"], room="801")
    assert household.building == "8"
    assert (household.head_name, household.head_phone, household.head_id_number) == (
        "王小明",
        PHONE,
        ID,
    )


def test_the_ledger_import_stores_parties_normalised(client, city, settings, tmp_path):
    settings.IMPORT_TMP_DIR = str(tmp_path / "imports")
    values = {
        dr.COMPOUND: "A1",
        dr.CATEGORY: "噪声扰民",
        dr.DESCRIPTION: "楼上装修噪声扰民",
        dr.APPLICANT: INVISIBLE_NAME,
        dr.APPLICANT_PHONE: ARABIC_INDIC_PHONE,
        dr.APPLICANT_ID: MIXED_ID,
        dr.AMOUNT: "١٢٠٠",
    }
    workbook = Workbook()
    workbook.active.append(dr.LEDGER_HEADERS)
    workbook.active.append([values.get(header) for header in dr.LEDGER_HEADERS])
    stream = io.BytesIO()
    workbook.save(stream)
    client.force_login(city.street)

    preview = client.post(
        reverse("admin:disputes_disputecase_import"),
        {"import_file": SimpleUploadedFile("ledger.xlsx", stream.getvalue())},
    )
    assert preview.status_code == 200
    assert (preview.context.get("errors") or []) == []
    done = client.post(
        reverse("admin:disputes_disputecase_import_confirm"),
        {"import_file_name": preview.context["import_file_name"]},
    )

    assert done.status_code == 302
    case = DisputeCase.objects.get()
    assert list(case.parties.values_list("name", "phone", "id_number")) == [("王小明", PHONE, ID)]


# --- form input ----------------------------------------------------------------------------------


def test_the_home_filter_ignores_an_id_in_other_digits(client, city):
    client.force_login(city.bureau)
    street = city.compounds["A1"].community.street
    ascii_page = client.get(reverse("communities:home"), {"street": str(street.pk)})
    other_page = client.get(
        reverse("communities:home"), {"street": str(street.pk).translate(ARABIC)}
    )
    assert ascii_page.status_code == other_page.status_code == 200
    assert ascii_page.context["street_id"] == street.pk
    assert other_page.context["street_id"] is None


def test_a_user_added_in_the_admin_has_a_name_without_invisible_characters(client, city):
    client.force_login(city.bureau)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "wang",
            "first_name": "\u202e王\u200b小明\u200d",
            "email": "",
            "organisation": city.org.street.pk,
            "role": m.Role.STAFF,
            "password1": "Another-Pass-2026",
            "password2": "Another-Pass-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username="wang").first_name == "王小明"
