"""Secrets are masked in any text vigil prints: errors, logs, CLI output."""

from __future__ import annotations

from vigil.core.redact import MASK, redact, redact_headers, register_secret


def test_bearer_token_in_a_header_line_is_masked() -> None:
    assert redact("Authorization: Bearer abc123def456ghi") == f"Authorization: Bearer {MASK}"


def test_slack_webhook_secret_is_masked_but_its_ids_stay() -> None:
    text = redact("POST https://hooks.slack.com/services/T0ABC/B0DEF/xYz-_secret123 failed")
    assert "xYz-_secret123" not in text
    assert "/services/T0ABC/B0DEF/" in text


def test_dsn_key_is_masked() -> None:
    text = redact("dsn https://0123456789abcdef@o1.ingest.sentry.io/42")
    assert "0123456789abcdef" not in text and "o1.ingest.sentry.io/42" in text


def test_token_query_parameters_and_secret_json_fields_are_masked() -> None:
    text = redact('GET /x?api_key=abc123secret&limit=5 body {"webhookURL": "https://h/s", "password": "pw1"}')
    assert "abc123secret" not in text and "https://h/s" not in text and "pw1" not in text
    assert "limit=5" in text


def test_sandbox_credentials_stay_printable() -> None:
    document = '{"api_key": "ur_sbx_0123abcd", "token": "sntry_sbx_0123abcd", "bot": "xoxb-sandbox-0123abcd"}'
    assert redact(document) == document


def test_known_token_shapes_are_masked() -> None:
    for token in ("sntrys_abcdefghijklmnop", "xoxb-1234-5678-abcdef", "u12345-0123456789abcdef0123"):
        assert token not in redact(f"token was {token}.")


def test_a_registered_secret_of_any_shape_is_masked() -> None:
    register_secret("plain-looking-value-42")
    assert redact("error near plain-looking-value-42!") == f"error near {MASK}!"


def test_sensitive_headers_are_masked_whole() -> None:
    shown = redact_headers({"Authorization": "Bearer x", "Accept": "application/json"})
    assert shown == {"Authorization": MASK, "Accept": "application/json"}


def test_ordinary_urls_are_left_alone() -> None:
    url = "http://127.0.0.1:8710/uptimerobot/v3/monitors/800000001?limit=200"
    assert redact(url) == url
