"""Connector settings: secrets encrypted at rest, editable field mappings, the connection test."""

from __future__ import annotations

import pytest

from connectors import mapping, settings
from connectors.errors import ConnectorConfigError
from connectors.secret_box import SecretBox, load_or_create_key
from tests.connectors.conftest import configure
from webui.extensions import db


def test_secrets_are_stored_encrypted_and_read_back(app):
    configure(app, "erp", "https://erp.example.com/api", secret="s3cret-token")
    with app.app_context():
        config = settings.get_config(db.session, "erp")
        assert "s3cret-token" not in (config.secret_encrypted or "")
        box = app.extensions["cf_secret_box"]
        assert settings.endpoint(config, box).secret == "s3cret-token"


def test_an_empty_secret_keeps_the_stored_one(app):
    configure(app, "erp", "https://erp.example.com", secret="first")
    configure(app, "erp", "https://erp.example.com", secret="")
    with app.app_context():
        config = settings.get_config(db.session, "erp")
        assert settings.endpoint(config, app.extensions["cf_secret_box"]).secret == "first"


def test_the_key_file_is_created_once_and_owner_only(tmp_path):
    path = tmp_path / "keys" / "secrets.key"
    key = load_or_create_key(path)
    assert load_or_create_key(path) == key
    assert path.stat().st_mode & 0o777 == 0o600
    box = SecretBox(key)
    assert box.decrypt(box.encrypt("x")) == "x"
    with pytest.raises(ConnectorConfigError):
        SecretBox(load_or_create_key(tmp_path / "other.key")).decrypt(box.encrypt("x"))


def test_an_admin_mapping_replaces_the_shipped_one(app):
    custom = {"po_reference": "contract.number", "vendor": "contract.counterparty", "kind": "=PO"}
    configure(app, "erp", "https://erp", field_mappings={"erp/CreatePurchaseOrder": custom})
    with app.app_context():
        config = settings.get_config(db.session, "erp")
        assert settings.mapping_for(config, "erp/CreatePurchaseOrder") == custom
    data = {"contract": {"number": "HT-1", "counterparty": "ACME"}}
    assert mapping.apply(custom, data) == {"po_reference": "HT-1", "vendor": "ACME", "kind": "PO"}


@pytest.mark.parametrize(
    "changes",
    [
        {"base_url": "ftp://erp"},
        {"auth_type": "kerberos"},
        {"timeout_seconds": "0"},
        {"field_mappings": {"erp/CreatePurchaseOrder": {"a": ""}}},
    ],
)
def test_invalid_settings_are_refused(app, changes):
    with app.app_context(), pytest.raises(ConnectorConfigError):
        settings.update_config(
            db.session, "erp", changes, app.extensions["cf_secret_box"], actor="admin"
        )


def test_connection_test_reports_both_outcomes(app, remote):
    configure(app, "crm", remote.url, test_path="/ping")
    with app.app_context():
        box = app.extensions["cf_secret_box"]
        assert settings.test_connection(settings.get_config(db.session, "crm"), box) == (
            True,
            "HTTP 201",
        )
        assert remote.requests[-1].path == "/ping"
        remote.status = 401
        ok, message = settings.test_connection(settings.get_config(db.session, "crm"), box)
        assert not ok and "HTTP 401" in message
