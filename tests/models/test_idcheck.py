"""Resident ID and USCC checks against the reference numbers in domain.md §5."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric, uscc

from models.staffing.ids import (
    area_known,
    check_id,
    check_uscc,
    id_check_char,
    mask_id,
    mask_mobile,
    mask_name,
    normalise_id,
    upgrade_legacy_id,
    uscc_check_char,
)

TODAY = date(2025, 6, 1)


def with_check(first17: str) -> str:
    """Complete a number using stdnum's check digit, an oracle independent of ours."""
    return first17 + ric.calc_check_digit(first17 + "0")


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        ("11010519491231002X", date(1949, 12, 31), "F"),
        ("360426199101010071", date(1991, 1, 1), "M"),
        ("330102196001011230", date(1960, 1, 1), "M"),
        ("330108197001011233", date(1970, 1, 1), "M"),
        ("110115197001011236", date(1970, 1, 1), "M"),
    ],
)
def test_it_accepts_the_reference_numbers(number: str, birth: date, sex: str) -> None:
    result = check_id(number, today=TODAY)
    assert (result.status, result.ok, result.birth, result.sex) == ("ok", True, birth, sex)
    assert result.area == number[:6]
    assert result.message == ""


@pytest.mark.parametrize("number", ["330102196001011230", "330108197001011233", "110115197001011236"])
def test_it_accepts_numbers_stdnum_wrongly_rejects(number: str) -> None:
    assert not ric.is_valid(number)
    assert check_id(number, today=TODAY).ok


def test_it_accepts_a_new_district_code_that_stdnum_cannot_look_up() -> None:
    number = with_check("33011420210315004")
    with pytest.raises(KeyError):
        ric.is_valid(number)
    result = check_id(number, today=TODAY)
    assert result.ok and result.birth == date(2021, 3, 15) and result.sex == "F"


def test_it_normalises_spaces_and_lowercase_x() -> None:
    assert normalise_id(" 110105 19491231 002x ") == "11010519491231002X"
    result = check_id(" 110105 19491231 002x ", today=TODAY)
    assert result.ok and result.number == "11010519491231002X"


@pytest.mark.parametrize(
    "first17", ["11010519491231002", "36042619910101007", "33011420210315004", "12345619800229123"]
)
def test_it_computes_the_same_check_character_as_stdnum(first17: str) -> None:
    assert id_check_char(first17) == ric.calc_check_digit(first17 + "0")


def test_it_reports_a_wrong_check_character_without_naming_the_expected_one() -> None:
    result = check_id("110105194912310021", today=TODAY)
    assert result.status == "checksum" and not result.ok
    assert result.message.startswith("身份证号校验位错误") and "X" not in result.message
    assert result.birth == date(1949, 12, 31) and result.sex == "F"


@pytest.mark.parametrize("text", ["1101051949123100", "11010519491231002X1", "", "1234567890123456"])
def test_it_rejects_wrong_lengths(text: str) -> None:
    result = check_id(text, today=TODAY)
    assert result.status == "length"
    assert result.birth is None and result.sex is None and result.area is None
    assert "18位" in result.message


@pytest.mark.parametrize(
    "text",
    [
        "11010519491231002A",
        "1101051949123100X2",
        "X1010519491231002X",
        "１１０１０５１９４９１２３１００２Ｘ",
        "11010549123100A",
    ],
)
def test_it_rejects_bad_characters(text: str) -> None:
    assert check_id(text, today=TODAY).status == "charset"


@pytest.mark.parametrize(
    ("first17", "fragment"),
    [
        ("11010519990230123", "不是有效日期"),
        ("11010519991301123", "不是有效日期"),
        ("11010520250602123", "晚于今天"),
        ("11010520990101123", "晚于今天"),
        ("11010518991231123", "早于1900年"),
    ],
)
def test_it_rejects_impossible_birth_dates(first17: str, fragment: str) -> None:
    result = check_id(with_check(first17), today=TODAY)
    assert result.status == "date" and result.birth is None
    assert fragment in result.message and first17[6:14] not in result.message, "no digits not already in clear"


def test_it_accepts_a_birth_date_of_today_and_of_1900_01_01() -> None:
    assert check_id(with_check("11010520250601123"), today=TODAY).ok
    assert check_id(with_check("11010519000101123"), today=TODAY).ok


def test_it_recognises_a_legacy_15_digit_number() -> None:
    result = check_id("110105491231002", today=TODAY)
    assert (result.status, result.birth, result.sex, result.area) == (
        "legacy15",
        date(1949, 12, 31),
        "F",
        "110105",
    )
    assert "插入“19”" in result.message and "002" not in result.message, "how to upgrade, not the number itself"


def test_it_takes_the_legacy_sex_from_the_last_digit() -> None:
    assert check_id("360426910101007", today=TODAY).sex == "M"


def test_it_reports_a_bad_date_in_a_legacy_number() -> None:
    assert check_id("110105490230002", today=TODAY).status == "date"


def test_it_upgrades_legacy_numbers() -> None:
    assert upgrade_legacy_id("110105491231002") == "11010519491231002X"
    assert upgrade_legacy_id("360426910101007") == "360426199101010071"


@pytest.mark.parametrize("text", ["11010549123100", "11010549123100X", "11010519491231002X"])
def test_it_refuses_to_upgrade_non_legacy_numbers(text: str) -> None:
    with pytest.raises(ValueError, match="15位"):
        upgrade_legacy_id(text)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("110105", True), ("330102", True), ("999999", False), ("33010", None), ("abcdef", None)],
)
def test_it_looks_up_address_codes_advisorily(code: str, expected: bool | None) -> None:
    assert area_known(code) is expected


def test_it_never_raises_on_an_address_code_missing_from_stdnum() -> None:
    assert area_known("330114") in (False, None)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("330102196001011234", "3301**************"),
        ("11010519491231002x", "1101**************"),
        ("110105491231002", "1101***********"),
        ("123456789", "1234*****"),
        ("12345678", "********"),
        ("", ""),
    ],
)
def test_it_masks_id_numbers(number: str, masked: str) -> None:
    assert mask_id(number) == masked


@pytest.mark.parametrize(
    ("mobile", "masked"),
    [("13812345678", "*******5678"), ("138 1234 5678", "*******5678"), ("1234567", "*******")],
)
def test_it_masks_mobile_numbers(mobile: str, masked: str) -> None:
    assert mask_mobile(mobile) == masked


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "李"), ("王小明", "王**"), ("", "")]
)
def test_it_masks_names(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_it_accepts_the_reference_uscc() -> None:
    result = check_uscc("91110000600037341L")
    assert (result.ok, result.code, result.register_dept, result.org_kind) == (
        True,
        "91110000600037341L",
        "9",
        "1",
    )
    assert result.message == ""


def test_it_normalises_uscc_input() -> None:
    assert check_uscc(" 9111-0000-6000-3734-1l ").ok


@pytest.mark.parametrize("first17", ["N1110000MA0000001", "Y1330100MA2AB3C4D", "A1110000600037341"])
def test_it_accepts_a_letter_first_uscc_that_stdnum_refuses(first17: str) -> None:
    code = first17 + uscc.calc_check_digit(first17 + "0")
    assert not uscc.is_valid(code)
    result = check_uscc(code)
    assert result.ok and result.register_dept == first17[0]
    assert uscc_check_char(first17) == code[-1]


def test_it_reports_a_wrong_uscc_check_character() -> None:
    result = check_uscc("91110000600037341M")
    assert not result.ok and result.message == "统一社会信用代码校验位错误，应为L"


@pytest.mark.parametrize("text", ["91110000600037341", "91110000600037341LL", ""])
def test_it_rejects_wrong_uscc_lengths(text: str) -> None:
    result = check_uscc(text)
    assert not result.ok and "18位" in result.message


@pytest.mark.parametrize(("text", "bad"), [("9I110000600037341L", "I"), ("91110000600037341O", "O")])
def test_it_rejects_characters_outside_the_uscc_alphabet(text: str, bad: str) -> None:
    result = check_uscc(text)
    assert not result.ok and "非法字符" in result.message and bad in result.message
