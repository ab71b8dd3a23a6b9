"""The library's item forms share their text fields (ItemTextForm) but keep their own order and help
texts: the district's form starts with the type, and each form tells its writer different things."""

from django.utils import translation

from library.forms import DistrictItemForm, ItemTextForm, ProposalForm


def test_field_order_is_unchanged():
    assert list(DistrictItemForm().fields) == [
        "kind", "title", "summary", "body", "tags", "grades", "files", "activity_kind", "planned_sessions",
        "plan_kind", "key_tasks", "instrument_code", "items", "item_min", "item_max", "bands", "item_texts",
        "licence",
    ]  # fmt: skip
    assert list(ProposalForm().fields) == ["title", "summary", "body", "tags", "files"]


def test_each_form_has_its_own_help_texts_and_the_upload_limits():
    with translation.override("en"):
        district, proposal = DistrictItemForm().fields, ProposalForm().fields
        assert district["summary"].help_text == "What it is and who it suits."
        assert proposal["summary"].help_text == "What it is, who it suits, and what went well."
        assert district["body"].help_text.startswith("Plain text. For an activity design")
        assert proposal["body"].help_text.startswith("Taken from your record")
        assert district["tags"].help_text.endswith("e.g. 情绪 压力 新生")
        assert proposal["tags"].help_text == "Separate tags with commas, 、 or spaces."
        for fields in (district, proposal):
            assert fields["files"].help_text.startswith("Optional. Allowed:")
            assert fields["title"].max_length == 200 and fields["summary"].required
            assert not fields["body"].required and not fields["tags"].required
        # The base's fields are not changed by a subclass's help texts.
        assert ItemTextForm().fields["summary"].help_text == ""
