"""Identity numbers, masks and pseudonyms: what leaves the store about a petitioner."""
from shared.privacy import (id_number_is_valid, mask_id_number, mask_name, mask_phone,
                            pseudonym)

VALID = "11010519491231002X"  # the GB 11643 example number


def test_a_valid_identity_number_passes_its_check_character():
    assert id_number_is_valid(VALID)
    assert id_number_is_valid(VALID.lower())  # a clerk typing x is not refused


def test_a_mistyped_check_character_or_shape_is_refused():
    assert not id_number_is_valid(VALID[:-1] + "1")
    assert not id_number_is_valid("110105194912310021")
    assert not id_number_is_valid(VALID[:-1])  # 17 characters
    assert not id_number_is_valid("1101051949123100XX")


def test_masks_keep_only_what_a_notice_shows():
    assert mask_id_number(VALID) == "1101**********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("12345") == "*****"
    assert mask_phone("88886666") == "****6666"  # a landline keeps only what identifies nothing
    assert mask_name("张三丰") == "张**"
    assert mask_name(None) is None and mask_phone("") == ""


def test_the_same_person_gets_the_same_pseudonym_under_one_key():
    assert pseudonym(b"k", "id", VALID) == pseudonym(b"k", "id", VALID)
    assert pseudonym(b"k", "id", VALID) == pseudonym(b"k", "id", " " + VALID.lower())


def test_another_key_or_another_person_gives_another_pseudonym():
    assert pseudonym(b"k", "id", VALID) != pseudonym(b"other", "id", VALID)
    assert pseudonym(b"k", "id", VALID) != pseudonym(b"k", "id", "110105194912310038")


def test_a_pseudonym_does_not_contain_the_clear_value():
    ref = pseudonym(b"k", "name-phone", "张三", "13812345678")
    assert "13812345678" not in ref and "张三" not in ref
    assert "1101051949" not in pseudonym(b"k", "id", VALID)
    assert len(ref) == 32


def test_an_overlong_error_header_stays_valid_json():
    import json

    from shared.inbound import errors_header
    errors = {f"data.parties.{i}.name": ["x" * 100] for i in range(200)}
    header = errors_header(errors)
    assert len(header) <= 4000 and json.loads(header)["_truncated"] is True
    assert json.loads(errors_header({"data.order_no": ["missing"]})) == {"data.order_no": ["missing"]}
