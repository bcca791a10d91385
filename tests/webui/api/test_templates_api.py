"""Templates and contract types through the API: drafting, admin edits, custom fields."""

from __future__ import annotations

import pytest

PURCHASE_FIELDS = {
    "title": "传感器采购合同",
    "our_company": "上海合约流科技有限公司",
    "counterparty": "北京精工设备有限公司",
    "subject": "工业传感器S-300型200台",
    "amount": 86000.5,
    "currency": "CNY",
    "effective_date": "2027-01-01",
    "expiry_date": "2027-12-31",
}


def test_shipped_templates_are_listed_in_both_languages(api):
    items = api("alice").get("/api/v1/templates").get_json()["items"]
    codes = {t["code"] for t in items}
    assert {"purchase-zh", "purchase-en", "sales-zh", "sales-en"} <= codes
    assert {"service-zh", "service-en", "nda-zh", "nda-en"} <= codes
    zh = api("alice").get("/api/v1/templates?language=zh").get_json()["items"]
    assert {t["language"] for t in zh} == {"zh"}


def test_drafting_fills_metadata_and_remembers_the_template_version(api):
    frank = api("frank")
    response = frank.post(
        "/api/v1/templates/purchase-zh/draft",
        json={
            "fields": PURCHASE_FIELDS,
            "contract": {"department": "procurement", "tags": ["传感器"]},
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    contract = body["contract"]
    assert contract["title"] == "传感器采购合同"
    assert contract["contract_type"] == "purchase"
    assert contract["amount"] == "86000.50"
    assert contract["counterparty"] == "北京精工设备有限公司"
    assert (contract["effective_date"], contract["expiry_date"]) == ("2027-01-01", "2027-12-31")
    assert contract["tags"] == ["传感器"]
    assert body["template"] == {"code": "purchase-zh", "version": 1}
    assert contract["template_version_id"]
    assert "北京精工设备有限公司" in body["text"] and "86,000.50" in body["text"]

    stored_body = frank.get(f"/api/v1/contracts/{contract['id']}/body").get_json()
    assert stored_body["text"] == body["text"] and stored_body["version"] == 1
    documents = frank.get(f"/api/v1/contracts/{contract['id']}/documents").get_json()["items"]
    assert len(documents) == 2 == len(body["documents"])

    pdf = frank.get(body["downloads"]["pdf"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    docx = frank.get(body["downloads"]["docx"])
    assert docx.status_code == 200 and docx.data.startswith(b"PK")
    assert api("alice").get(body["downloads"]["pdf"]).status_code == 404  # not her department


def test_bad_template_fields_are_422_naming_each_field(api):
    fields = dict(PURCHASE_FIELDS, amount=-1, effective_date="2027/01/01")
    del fields["counterparty"]
    response = api("frank").post(
        "/api/v1/templates/purchase-en/draft",
        json={"fields": fields, "contract": {"department": "procurement"}},
    )
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert {"fields.amount", "fields.effective_date", "fields.counterparty"} <= set(details)
    assert api("frank").get("/api/v1/contracts").get_json()["total"] == 0


def test_admin_edit_creates_a_new_version_and_keeps_the_old(api):
    admin = api("admin")
    current = admin.get("/api/v1/templates/nda-en").get_json()
    response = admin.post(
        "/api/v1/templates/nda-en/versions",
        json={
            "fields_schema": current["fields_schema"],
            "body": current["body"] + "\nAnnex: none.\n",
            "note": "annex line",
        },
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["number"] == 2
    after = admin.get("/api/v1/templates/nda-en").get_json()
    assert after["current_version"] == 2
    assert [v["number"] for v in after["versions"]] == [2, 1]
    drafted = api("alice").post(
        "/api/v1/templates/nda-en/draft",
        json={
            "fields": {
                "our_company": "ContractFlow Ltd.",
                "counterparty": "Umbrella Research Ltd.",
                "purpose": "a joint study",
                "effective_date": "2027-01-01",
                "expiry_date": "2028-01-01",
            },
            "contract": {"department": "sales"},
        },
    )
    assert drafted.status_code == 201, drafted.get_json()
    assert drafted.get_json()["template"]["version"] == 2
    assert drafted.get_json()["contract"]["amount"] == "0.00"


def test_non_admins_may_not_change_templates_or_types(api, signed_in):
    alice = api("alice")
    assert (
        alice.post(
            "/api/v1/templates/nda-en/versions",
            json={"fields_schema": {"type": "object"}, "body": "x"},
        ).status_code
        == 403
    )
    assert (
        alice.post("/api/v1/contract-types", json={"code": "lease", "name": "Lease"}).status_code
        == 403
    )
    assert signed_in("alice").get("/admin/templates").status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{% for i in range(10**9) %}x{% endfor %}",
    ],
)
def test_sandbox_escapes_are_422_and_nothing_is_stored(api, body):
    admin = api("admin")
    response = admin.post(
        "/api/v1/templates",
        json={
            "code": "evil",
            "name": "Evil",
            "contract_type": "nda",
            "language": "en",
            "fields_schema": {"type": "object", "properties": {}},
            "body": body,
        },
    )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "template_body_invalid"
    assert admin.get("/api/v1/templates/evil").status_code == 404
    revised = admin.post(
        "/api/v1/templates/nda-en/versions",
        json={"fields_schema": {"type": "object"}, "body": body},
    )
    assert revised.status_code == 422
    assert admin.get("/api/v1/templates/nda-en").get_json()["current_version"] == 1


def test_admin_creates_a_template_and_drafts_from_it(api):
    admin = api("admin")
    response = admin.post(
        "/api/v1/templates",
        json={
            "code": "sales-short",
            "name": "Short sales order",
            "contract_type": "sales",
            "language": "en",
            "fields_schema": {
                "type": "object",
                "properties": {"counterparty": {"type": "string"}, "amount": {"type": "number"}},
                "required": ["counterparty", "amount"],
            },
            "body": "# Sales order\n{{ counterparty }} pays {{ amount|money }}.\n",
        },
    )
    assert response.status_code == 201, response.get_json()
    drafted = api("alice").post(
        "/api/v1/templates/sales-short/draft",
        json={
            "fields": {"counterparty": "Globex", "amount": 5000},
            "contract": {"title": "Globex order", "department": "sales"},
        },
    )
    assert drafted.status_code == 201, drafted.get_json()
    assert drafted.get_json()["text"] == "# Sales order\nGlobex pays 5,000.00.\n"


SITE_SCHEMA = {
    "type": "object",
    "properties": {
        "site": {"type": "string", "minLength": 2},
        "floor_area": {"type": "number", "minimum": 1},
        "furnished": {"type": "boolean"},
    },
    "required": ["site", "floor_area"],
}


def test_contract_type_with_custom_fields_is_validated_end_to_end(api):
    admin = api("admin")
    created = admin.post(
        "/api/v1/contract-types",
        json={"code": "lease", "name": "Lease", "custom_fields_schema": SITE_SCHEMA},
    )
    assert created.status_code == 201, created.get_json()
    assert "lease" in {t["code"] for t in admin.get("/api/v1/contract-types").get_json()["items"]}

    alice = api("alice")
    bad = alice.post(
        "/api/v1/contracts",
        json={
            "title": "Office lease",
            "contract_type": "lease",
            "amount": "120000.00",
            "department": "sales",
            "counterparty": "Landlord Ltd.",
            "custom_fields": {"site": "Shanghai", "floor_area": "big"},
        },
    )
    assert bad.status_code == 422
    assert "custom_fields.floor_area" in bad.get_json()["error"]["details"]
    missing = alice.post(
        "/api/v1/contracts",
        json={
            "title": "Office lease",
            "contract_type": "lease",
            "amount": "120000.00",
            "department": "sales",
            "counterparty": "Landlord Ltd.",
            "custom_fields": {},
        },
    )
    assert missing.status_code == 422
    details = missing.get_json()["error"]["details"]
    assert any(k.startswith("custom_fields") for k in details), details
    good = alice.post(
        "/api/v1/contracts",
        json={
            "title": "Office lease",
            "contract_type": "lease",
            "amount": "120000.00",
            "department": "sales",
            "counterparty": "Landlord Ltd.",
            "custom_fields": {"site": "Shanghai", "floor_area": 350, "furnished": True},
        },
    )
    assert good.status_code == 201, good.get_json()
    assert good.get_json()["custom_fields"]["floor_area"] == 350

    patched = admin.patch("/api/v1/contract-types/lease", json={"name": "Office lease"})
    assert patched.status_code == 200 and patched.get_json()["name"] == "Office lease"


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "array"},
        {"type": "object", "properties": {"x": {"type": "nonsense"}}},
        {"type": "object", "properties": {"x": {"type": "object"}}},
        "not a schema",
    ],
)
def test_an_invalid_custom_field_schema_is_refused(api, schema):
    response = api("admin").post(
        "/api/v1/contract-types",
        json={"code": "lease", "name": "Lease", "custom_fields_schema": schema},
    )
    assert response.status_code == 422
    assert "custom_fields_schema" in response.get_json()["error"]["details"]
