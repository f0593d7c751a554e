"""统一社会信用代码 (GB 32100-2015): every character of the alphabet, the excluded letters, and the
registration department and organisation kind read from the first two characters (domain §5.2)."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc

from models.staffing.ids import USCC_ALPHABET, check_uscc, normalise_uscc, uscc_check_char

BODY = "330106MB1234567"  # 登记管理机关 330106 and a 主体标识码; positions 3-17


def complete(first17: str) -> str:
    """Add the check character from stdnum, an oracle independent of ours."""
    return first17 + uscc.calc_check_digit(first17)


def test_the_alphabet_is_the_standards_31_characters():
    assert USCC_ALPHABET == "0123456789ABCDEFGHJKLMNPQRTUWXY" and len(set(USCC_ALPHABET)) == 31


@pytest.mark.parametrize("char", list(USCC_ALPHABET))
@pytest.mark.parametrize("position", [0, 1, 2, 8, 12, 16])
def test_every_character_in_every_position_checks_as_stdnum_computes(char: str, position: int):
    first17 = ("11" + BODY)[:position] + char + ("11" + BODY)[position + 1:]
    code = complete(first17)
    assert uscc_check_char(first17) == code[-1]
    result = check_uscc(code)
    assert (result.ok, result.code, result.message) == (True, code, "")
    assert (result.register_dept, result.org_kind) == (code[0], code[1])


@pytest.mark.parametrize("check", list(USCC_ALPHABET))
def test_any_other_check_character_is_refused(check: str):
    first17 = "12" + BODY
    expected = uscc_check_char(first17)
    result = check_uscc(first17 + check)
    assert result.ok is (check == expected)
    assert result.message == ("" if check == expected else f"统一社会信用代码校验位错误，应为{expected}")


def test_a_sum_divisible_by_31_gives_check_character_zero():
    assert uscc_check_char("11330106MB123006X") == "0" == uscc.calc_check_digit("11330106MB123006X")


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_the_excluded_letters_are_refused_wherever_they_stand(letter: str):
    for position in (0, 9, 17):
        code = complete("12" + BODY)
        text = code[:position] + letter + code[position + 1:]
        result = check_uscc(text)
        assert not result.ok
        assert result.message == f"统一社会信用代码含非法字符：{letter}（不使用I、O、Z、S、V）"


def test_it_lists_each_illegal_character_once_in_order():
    assert check_uscc("1Z330106MI12O4567I").message == "统一社会信用代码含非法字符：IOZ（不使用I、O、Z、S、V）"


@pytest.mark.parametrize(("text", "dept", "kind"), [
    (complete("11" + BODY), "1", "1"),  # 机构编制 · 机关
    (complete("12" + BODY), "1", "2"),  # 机构编制 · 事业单位
    (complete("13" + BODY), "1", "3"),  # 机构编制 · 群团
    (complete("51" + BODY), "5", "1"),  # 民政
    (complete("Y1" + BODY), "Y", "1"),
    ("12" + BODY + "X", "1", "2"),      # read even when the check fails
    ("1", "1", None),
    ("", None, None),
])
def test_it_reads_the_registration_department_and_organisation_kind(text: str, dept: str | None, kind: str | None):
    result = check_uscc(text)
    assert (result.register_dept, result.org_kind) == (dept, kind)


def test_it_normalises_case_spaces_and_dashes_before_reading_the_kind():
    code = complete("12" + BODY)
    messy = f" {code[:2].lower()}-{code[2:8]} {code[8:].lower()} "
    assert normalise_uscc(messy) == code
    result = check_uscc(messy)
    assert (result.ok, result.code, result.register_dept, result.org_kind) == (True, code, "1", "2")


@pytest.mark.parametrize("length", [0, 1, 17, 19])
def test_it_names_the_wrong_length(length: int):
    text = (complete("12" + BODY) * 2)[:length]
    result = check_uscc(text)
    assert (result.ok, result.message) == (False, f"统一社会信用代码应为18位，实际{length}位")


@pytest.mark.parametrize(("text", "kind"), [
    ("12", "2"),                                  # too short, but the kind is there
    ("12" + BODY[:-1] + "I" + "0", "2"),          # an illegal character
    ("12" + BODY + "0", "2"),                     # a wrong check character (the right one is not 0)
])
def test_a_refused_code_still_says_what_it_read(text: str, kind: str):
    assert uscc_check_char("12" + BODY) != "0"
    result = check_uscc(text)
    assert (result.ok, result.code, result.register_dept, result.org_kind) == (False, text, "1", kind)


@pytest.mark.parametrize("first17", ["12" + BODY[:-1], "12" + BODY + "0"])
def test_the_check_character_needs_exactly_17_characters(first17: str):
    with pytest.raises(ValueError):
        uscc_check_char(first17)
