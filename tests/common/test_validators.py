import pytest
from django.core.exceptions import ValidationError

from common.validators import validate_credit_code, validate_id_number, validate_phone
from tests.factories import valid_credit_code, valid_id_number


@pytest.mark.parametrize(
    "value",
    ["11010519491231002X", valid_id_number(7), valid_id_number(8).lower()],
)
def test_valid_resident_id_numbers_pass(value):
    validate_id_number(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "id_check"),  # GB 11643 check char should be X
        ("11010519491331002X", "id_birth"),  # month 13
        ("1101051949123100", "id_format"),
        ("11010519491231002Y", "id_format"),
    ],
)
def test_bad_resident_id_numbers_are_refused_with_reason(value, code):
    with pytest.raises(ValidationError) as error:
        validate_id_number(value)
    assert error.value.code == code


def test_credit_code_check_digit():
    validate_credit_code("91350100M000100Y43")  # published example (GB 32100)
    validate_credit_code(valid_credit_code(42))
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100M000100Y44")
    assert error.value.code == "credit_check"
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100M000100I43")  # I is not in the charset
    assert error.value.code == "credit_format"


@pytest.mark.parametrize("value", ["13908761234", "+86 139 0876 1234", "0876-2123456"])
def test_mainland_phones_pass(value):
    validate_phone(value)


@pytest.mark.parametrize("value", ["12345678901", "1390876123", "abc", "08762"])
def test_bad_phones_are_refused(value):
    with pytest.raises(ValidationError):
        validate_phone(value)
