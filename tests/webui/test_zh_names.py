"""Names we ship as data, errors and the bell read in Chinese; what an admin typed stays."""

from __future__ import annotations

from sqlalchemy import select

from contracts.core.models import ContractType
from contracts.identity.models import User
from contracts.notifications.models import Notification
from webui.extensions import db

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}


def page(client, path: str, headers=ZH) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def submitted(api) -> dict:
    contract = api("alice").create_contract(title="展会展位")
    api("alice").submit(contract["id"])
    return contract


def test_the_contract_list_names_department_and_type_in_chinese(api, signed_in):
    contract = submitted(api)
    html = page(signed_in("alice").client, "/contracts/")
    assert '<td data-label="类型">销售</td>' in html
    assert '<td data-label="部门">销售部</td>' in html
    assert "Executive office" not in html and "总经理办公室" in html  # the filter's choices
    detail = page(signed_in("alice").client, f"/contracts/{contract['id']}")
    assert "部门经理 · 销售部" in detail and "Sales" not in detail
    # In English the same page keeps the English names.
    assert '<td data-label="Department">Sales</td>' in page(
        signed_in("alice").client, "/contracts/", EN
    )


def test_the_inbox_card_names_type_department_task_and_group_in_chinese(api, signed_in):
    submitted(api)
    html = page(signed_in("bob").client, "/inbox/")
    assert "<span>销售 · 销售部</span>" in html
    assert "合同审批" in html and "Approve contract" not in html
    assert "部门经理 · 销售部" in html and "dept_manager:sales" not in html


def test_the_task_page_is_titled_in_chinese(api, signed_in):
    contract = submitted(api)
    task_id = api("bob").task_for(contract["id"])["id"]
    html = page(signed_in("bob").client, f"/inbox/tasks/{task_id}")
    assert "<h1>合同审批" in html
    assert "候选组： 部门经理 · 销售部" in html


def test_a_name_an_admin_typed_stays_as_entered(app, signed_in):
    with app.app_context():
        db.session.add(ContractType(code="lease", name="Equipment lease"))
        db.session.commit()
    html = page(signed_in("alice").client, "/contracts/new")
    assert ">Equipment lease</option>" in html and ">采购</option>" in html


def test_the_403_page_says_why_in_chinese(signed_in):
    response = signed_in("alice").client.get("/admin/processes/", headers=ZH)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "只有流程管理员可以管理流程" in html
    assert "only process admins" not in html
    assert '<code translate="no">permission_denied</code>' in html  # the code stays


def test_the_404_page_is_chinese(signed_in):
    client = signed_in("alice").client
    missing = client.get("/no/such/page", headers=ZH)
    assert missing.status_code == 404
    assert "您要找的内容不存在" in missing.get_data(as_text=True)
    assert "requested URL was not found" not in missing.get_data(as_text=True)
    contract = client.get("/contracts/999999", headers=ZH)
    assert contract.status_code == 404
    assert "合同 999999 不存在" in contract.get_data(as_text=True)


def test_an_api_error_is_translated_and_keeps_its_code(api):
    alice = api("alice")

    def error(headers):
        auth = {"Authorization": f"Bearer {alice.token}"}
        response = alice.client.get("/api/v1/contracts/999999", headers={**auth, **headers})
        assert response.status_code == 404
        return response.get_json()["error"]

    chinese, english = error(ZH), error(EN)
    assert chinese["code"] == english["code"] == "contract_not_found"
    assert chinese["message"] == "合同 999999 不存在"
    assert english["message"] == "contract 999999 does not exist"


def test_an_api_refusal_without_a_pattern_still_reads_in_chinese(api):
    bob = api("bob")
    response = bob.client.get(
        "/api/v1/integration/outbox", headers={"Authorization": f"Bearer {bob.token}", **ZH}
    )
    assert response.status_code == 403
    body = response.get_json()["error"]
    assert body["code"] == "permission_denied"
    assert body["message"] == "只有管理员和集成账户可以查看集成队列"


def test_the_bell_names_each_kind_and_tells_the_message_in_chinese(app, api, signed_in):
    contract = submitted(api)
    with app.app_context():
        alice = db.session.scalars(select(User).where(User.username == "alice")).one()
        db.session.add(
            Notification(
                user_id=alice.id,
                kind="expiry_reminder",
                message=f"Contract {contract['number']} (展会展位) expires on 2027-12-31. "
                "It expires unless you renew it. Please record your renewal decision.",
                link=f"/contracts/{contract['id']}",
            )
        )
        db.session.commit()
    html = page(signed_in("alice").client, "/inbox/notifications")
    assert "expiry_reminder" not in html and "合同即将到期" in html
    assert f"合同 {contract['number']}（展会展位）将于 2027年12月31日 到期" in html
    bob = page(signed_in("bob").client, "/inbox/notifications")
    assert "新待办“合同审批”" in bob and "New task" not in bob
