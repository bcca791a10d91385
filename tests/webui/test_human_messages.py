"""Messages a person reads: field errors as sentences with the field's label, custom fields by
their labels with formatted values, error pages that end in words, upload and preview errors
shown where the user is (issue 14, item 8)."""

from __future__ import annotations

import html as html_lib
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from contracts.approval.forms import FormLibrary
from contracts.errors import ValidationError
from contracts.identity.models import User
from tests.factories import contract_payload
from webui.extensions import db
from webui.forms_render import parse_form, render_form

VEHICLE_SCHEMA = {
    "type": "object",
    "required": ["vehicle_plate"],
    "properties": {
        "vehicle_plate": {
            "type": "string",
            "title": "Vehicle plate",
            "x-titles": {"zh": "车牌号"},
        },
        "insured": {"type": "boolean", "title": "Insured", "x-titles": {"zh": "已投保"}},
        "load_weight": {"type": "number", "title": "Load weight", "x-titles": {"zh": "载重"}},
        "registered_on": {"type": "string", "format": "date", "title": "Registered on"},
        "colour": {
            "type": "string",
            "title": "Colour",
            "enum": ["red", "blue"],
            "enumNames": ["Fire red", "Sky blue"],
            "x-enumNames": {"zh": ["火红", "天蓝"]},
        },
    },
}
SENTENCES = {
    "en": {
        "required": "Vehicle plate is required.",
        "number": "Load weight must be a number.",
        "insured": ("Insured", "No"),
        "plate": ("Vehicle plate", "沪A 12345"),
        "weight": ("Load weight", "12,500.5"),
        "colour": ("Colour", "Sky blue"),
        "upload": "This file is not a PDF, Word document, text file or image "
        "(it looks like application/octet-stream).",
    },
    "zh": {
        "required": "车牌号为必填项。",
        "number": "载重必须是数字。",
        "insured": ("已投保", "否"),
        "plate": ("车牌号", "沪A 12345"),
        "weight": ("载重", "12,500.5"),
        "colour": ("Colour", "天蓝"),
        "upload": "此文件不是PDF、Word 文档、文本文件或图片（看起来是 application/octet-stream）。",
    },
}
DEVELOPER_WORDING = re.compile(
    r"is a required property|is not of type|vehicle_plate|load_weight|insured (True|False)"
)


def speak(app, username: str, locale: str) -> None:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        user.locale = locale
        db.session.commit()


def text(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def visible(html: str) -> str:
    """The words on the page, without tags, attributes, scripts and styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def vehicle_type(api) -> str:
    created = api("admin").post(
        "/api/v1/contract-types",
        json={"code": "vehicle", "name": "Vehicle lease", "custom_fields_schema": VEHICLE_SCHEMA},
    )
    assert created.status_code == 201, created.get_json()
    return "vehicle"


def contract_form(**custom: str) -> dict[str, str]:
    payload = contract_payload(contract_type="vehicle")
    form = {k: v for k, v in payload.items() if isinstance(v, str)}
    form.update({"notice_days": "30", "tags": "fleet"})
    form.update({f"cf.{name}": value for name, value in custom.items()})
    return form


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_api_names_a_missing_custom_field_by_its_label(app, api, vehicle_type, locale):
    speak(app, "alice", locale)
    response = api("alice").post(
        "/api/v1/contracts",
        json=contract_payload(contract_type="vehicle", custom_fields={"load_weight": "abc"}),
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    details = error["details"]
    assert details["custom_fields.vehicle_plate"] == [SENTENCES[locale]["required"]]
    assert details["custom_fields.load_weight"] == [SENTENCES[locale]["number"]]
    assert not DEVELOPER_WORDING.search(str(list(details.values())))


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_contract_form_says_what_is_wrong_in_sentences(app, signed_in, vehicle_type, locale):
    speak(app, "alice", locale)
    browser = signed_in("alice")
    response = browser.client.post("/contracts/new", data=contract_form(load_weight="abc"))
    assert response.status_code == 422
    page = visible(text(response))
    assert SENTENCES[locale]["required"] in page
    assert SENTENCES[locale]["number"] in page
    assert page.count(SENTENCES[locale]["required"]) == 1  # by the field, not again in the summary
    # The inputs carry the same labels, and choices their labels.
    assert SENTENCES[locale]["plate"][0] in page and SENTENCES[locale]["colour"][1] in page
    assert not DEVELOPER_WORDING.search(page), DEVELOPER_WORDING.search(page)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_custom_fields_show_by_label_with_formatted_values(
    app, api, signed_in, vehicle_type, locale
):
    custom = {
        "vehicle_plate": "沪A 12345",
        "insured": False,
        "load_weight": 12500.5,
        "colour": "blue",
    }
    contract = api("alice").create_contract(contract_type="vehicle", custom_fields=custom)
    speak(app, "alice", locale)
    page = visible(text(signed_in("alice").get(f"/contracts/{contract['id']}")))
    for key in ("insured", "plate", "weight", "colour"):
        label, value = SENTENCES[locale][key]
        assert f" {label} {value} " in page, (label, value)
    assert not DEVELOPER_WORDING.search(page), DEVELOPER_WORDING.search(page)


def test_a_date_custom_field_is_formatted_for_the_locale(app, api, signed_in, vehicle_type):
    custom = {"vehicle_plate": "B-1", "registered_on": "2026-03-09"}
    contract = api("alice").create_contract(contract_type="vehicle", custom_fields=custom)
    page = visible(text(signed_in("alice").get(f"/contracts/{contract['id']}")))
    assert " Registered on Mar 9, 2026 " in page
    speak(app, "alice", "zh")
    page = visible(text(signed_in("alice").get(f"/contracts/{contract['id']}")))
    assert "2026年3月9日" in page


@pytest.mark.parametrize(
    ("locale", "sentences"),
    [
        ("en", ["Termination reason is required.", "Termination effective date is required."]),
        ("zh", ["终止原因为必填项。", "终止生效日期为必填项。"]),
    ],
)
def test_the_renewal_form_says_is_required_once_per_field(app, locale, sentences):
    forms = FormLibrary(Path(app.config.get("FORMS_DIR", "forms")))
    schema = forms.schema("renewal.schema.json")
    data = parse_form(schema, MultiDict({"decision": "terminate"}))
    with pytest.raises(ValidationError) as caught:
        forms.validate("renewal.schema.json", data)
    details = caught.value.details
    assert details == {
        "termination_reason": ["Termination reason is required."],
        "termination_date": ["Termination effective date is required."],
    }
    from webui.field_messages import localize

    with app.test_request_context("/", headers={"Accept-Language": locale}):
        shown = localize(details)
        html = visible(
            str(render_form(schema, forms.ui_schema("renewal.uischema.json"), data, shown))
        )
    for sentence in sentences:
        assert html.count(sentence) == 1, html


@pytest.mark.parametrize(("locale", "title"), [("en", "Not found"), ("zh", "未找到")])
def test_an_error_page_ends_in_words_and_keeps_the_code_in_the_fold(app, signed_in, locale, title):
    speak(app, "alice", locale)
    response = signed_in("alice").get("/contracts/987654")
    assert response.status_code == 404
    html = text(response)
    assert f"<h1>{title}</h1>" in html
    main = html.split('<details class="error-technical', 1)
    assert len(main) == 2 and "contract_not_found" not in main[0]
    assert "contract_not_found" in main[1].split("</details>", 1)[0]


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_refused_upload_shows_the_contract_page_with_the_reason(app, api, signed_in, locale):
    contract = api("alice").create_contract()
    speak(app, "alice", locale)
    browser = signed_in("alice")
    response = browser.client.post(
        f"/contracts/{contract['id']}/documents",
        data={"file": (io.BytesIO(b"\x00\x01bin"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 415
    html = text(response)
    assert 'id="documents"' in html and contract["number"] in html  # the page, not an error page
    found = re.search(
        r'<p class="field-errors upload-error" id="upload-error" role="alert">(.*?)</p>', html
    )
    assert found and found.group(1) == SENTENCES[locale]["upload"]
    assert "detected_type" not in html and "Error 415" not in html


def test_a_too_large_upload_shows_the_limit_by_the_form(app, api, signed_in):
    contract = api("alice").create_contract()
    app.config["MAX_UPLOAD_BYTES"] = 1024
    response = signed_in("alice").client.post(
        f"/contracts/{contract['id']}/documents",
        data={"file": (io.BytesIO(b"%PDF-1.7\n" + b"x" * 5000), "big.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    html = text(response)
    assert "This file is larger than the limit of 1.0 kB." in html and 'id="documents"' in html


def test_the_api_still_answers_a_refused_upload_in_json(api):
    alice = api("alice")
    contract = alice.create_contract()
    response = alice.client.post(
        f"/api/v1/contracts/{contract['id']}/documents",
        data={"file": (io.BytesIO(b"\x00\x01bin"), "x.pdf")},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {alice.token}"},
    )
    assert response.status_code == 415
    assert response.get_json()["error"]["details"]["detected_type"] == "application/octet-stream"


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_refused_preview_is_shown_in_the_page(app, signed_in, locale):
    speak(app, "admin", locale)
    admin = signed_in("admin")
    page = text(admin.get("/admin/templates/new"))
    # The button asks for its refused answer to be swapped in; the script doing so is loaded.
    assert re.search(r'hx-target="#preview"[^>]*data-swap-errors', page)
    assert "/static/js/htmx-errors.js" in page
    script = admin.get("/static/js/htmx-errors.js")
    assert script.status_code == 200 and b"data-swap-errors" in script.get_data()
    script.close()
    schema = '{"type": "object", "properties": {"counterparty": {"type": "string"}}}'
    response = admin.client.post(
        "/admin/templates/preview",
        data={"fields_schema": schema, "body": "{{ ''.__class__.__mro__ }}"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    fragment = visible(text(response))
    assert "<html" not in text(response)
    expected = {"en": "The preview could not be rendered.", "zh": "无法渲染预览。"}[locale]
    assert expected in fragment


def test_the_contract_fields_own_checks_read_in_chinese(app, api, signed_in):
    """'is required', 'must not be negative': the contract services' phrases, in zh too."""
    zh = {"Accept-Language": "zh-CN"}
    bad = {
        "title": "",
        "contract_type": "sales",
        "amount": "-5",
        "department": "sales",
        "counterparty": "x",
        "effective_date": "2027-05-01",
        "expiry_date": "2027-01-01",
    }
    alice = api("alice")
    response = alice.client.post("/api/v1/contracts", json=bad, headers={**alice._headers(), **zh})
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert details == {
        "title": ["为必填项"],
        "amount": ["不能为负数"],
        "expiry_date": ["不能早于生效日期"],
    }
    english = alice.post("/api/v1/contracts", json=bad).get_json()["error"]["details"]
    assert english["title"] == ["is required"]
