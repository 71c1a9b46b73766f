"""Codes, credit codes, ID numbers and phones: valid and invalid cases."""

import pytest
from django.core.exceptions import ValidationError

from communities import validators as v
from communities.privacy import mask_id_number, mask_name, mask_phone

# Published examples whose check characters are known to be right.
VALID_CREDIT_CODES = ["91350100M000100Y43", "91110000600037341L", "11100000000013127D"]
VALID_ID_NUMBERS = ["11010519491231002X", "11010519491231002x", "440524198001010013"]


@pytest.mark.parametrize(
    ("validator", "value", "twin"),
    [
        (v.validate_district_code, "110105", "1101051"),  # one digit too many
        (v.validate_street_code, "110105001", "11010500"),  # one too few
        (v.validate_community_code, "110105001001", "11010500100A"),
        (v.validate_compound_code, "XQ-0001", "XQ_0001"),  # underscore not allowed
    ],
)
def test_valid_codes_pass_and_their_invalid_twin_does_not(validator, value, twin):
    assert validator(value) is None
    with pytest.raises(ValidationError):
        validator(twin)


@pytest.mark.parametrize(
    ("validator", "value", "message"),
    [
        (v.validate_district_code, "11010", v.MSG_DISTRICT_CODE),
        (v.validate_district_code, "11010a", v.MSG_DISTRICT_CODE),
        (v.validate_district_code, "１１０１０５", v.MSG_DISTRICT_CODE),  # full-width digits
        (v.validate_street_code, "1101050010", v.MSG_STREET_CODE),
        (v.validate_community_code, "11010500100", v.MSG_COMMUNITY_CODE),
        (v.validate_compound_code, "小区1", v.MSG_COMPOUND_CODE),
        (v.validate_compound_code, "", v.MSG_COMPOUND_CODE),
    ],
)
def test_invalid_region_codes_are_refused_with_their_message(validator, value, message):
    with pytest.raises(ValidationError) as err:
        validator(value)
    assert err.value.messages == [str(message)]


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_valid_credit_codes_pass_and_a_changed_check_character_does_not(code):
    assert v.validate_credit_code(code) is None
    assert v.validate_credit_code(code.lower()) is None  # normalised to capitals
    assert v.normalize_credit_code(f" {code.lower()} ") == code
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(ValidationError) as err:
        v.validate_credit_code(wrong)
    assert err.value.messages == [str(v.MSG_CREDIT_CODE_CHECK)]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", v.MSG_CREDIT_CODE_CHECK),
        ("91110000600037341M", v.MSG_CREDIT_CODE_CHECK),
        ("91350100M000100Y4", v.MSG_CREDIT_CODE_FORMAT),
        ("91350100I000100Y43", v.MSG_CREDIT_CODE_FORMAT),  # I is not in the alphabet
        ("", v.MSG_CREDIT_CODE_FORMAT),
    ],
)
def test_invalid_credit_codes_are_refused(code, message):
    with pytest.raises(ValidationError) as err:
        v.validate_credit_code(code)
    assert err.value.messages == [str(message)]


def test_credit_code_check_char_reproduces_known_codes():
    for code in VALID_CREDIT_CODES:
        assert v.credit_code_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("number", VALID_ID_NUMBERS)
def test_valid_id_numbers_pass_and_a_changed_check_digit_does_not(number):
    assert v.validate_id_number(number) is None
    assert v.normalize_id_number(number) == number.upper()
    assert v.id_number_check_char(number[:17]) == number[17].upper()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as err:
        v.validate_id_number(wrong)
    assert err.value.messages == [str(v.MSG_ID_CHECK)]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("110105194912310021", v.MSG_ID_CHECK),
        ("11010519491331002X", v.MSG_ID_BIRTH),  # month 13
        ("440524188001010014", v.MSG_ID_BIRTH),  # GB 11643's own example: born 1880
        ("1101051949123100", v.MSG_ID_FORMAT),
        ("11010519491231002Y", v.MSG_ID_FORMAT),
    ],
)
def test_invalid_id_numbers_are_refused(number, message):
    with pytest.raises(ValidationError) as err:
        v.validate_id_number(number)
    assert err.value.messages == [str(message)]


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("138 1234 5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("(0531)8888888", "0531-8888888"),
    ],
)
def test_phones_are_normalised_and_pass(raw, normalised):
    assert v.normalize_phone(raw) == normalised
    v.validate_phone(raw)


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "12345", "abc", "0-1234567"])
def test_invalid_phones_are_refused(raw):
    with pytest.raises(ValidationError) as err:
        v.validate_phone(raw)
    assert err.value.messages == [str(v.MSG_PHONE)]


def test_masks_keep_only_what_identifies_nobody():
    assert mask_id_number("110101199003071234") == "110***********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("010-12345678") == "010-****5678"
    assert mask_name("张三丰") == "张**"
    assert mask_name("王") == "*"
    assert mask_id_number("") == mask_phone("") == mask_name("") == ""
