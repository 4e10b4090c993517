"""End to end: a weekly sales digest through a real Odoo server and an SMTP sink
(run by ``scripts/e2e tests/e2e/check_digest.py``; Odoo's test runner never imports it)."""

import urllib.error
import urllib.parse
import urllib.request


def _demo_user(odoo):
    user_id = odoo.ref("base.user_demo")
    return user_id, odoo.call("res.users", "read", [user_id], ["name", "email", "followup_digest_weekly"])[0]


def check_weekly_digest_reaches_the_salesperson_with_a_working_unsubscribe(odoo):
    user_id, user = _demo_user(odoo)
    odoo.call("res.users", "write", [user_id], {"followup_digest_weekly": True})
    odoo.call("crm.followup.digest", "unlink", odoo.call("crm.followup.digest", "search", [("user_id", "=", user_id)]))
    odoo.clear_mails()
    odoo.run_cron("odoo_sales_followup.ir_cron_digest_weekly")
    messages = odoo.mails(
        count=1,
        match=lambda msg: "Weekly sales digest" in str(msg["Subject"]) and user["email"] in str(msg["To"]),
    )
    message = messages[0]
    body = message.get_body(preferencelist=("html",)).get_content()
    assert f"Hello {user['name']}" in body, f"the digest does not greet {user['name']}: {body[:500]}"
    assert "Plan against actual" in body and "Deals won and lost" in body, "the digest lacks its sections"
    unsubscribe = str(message["List-Unsubscribe"]).strip("<>")
    assert "/odoo_sales_followup/digest/weekly/unsubscribe_oneclick?" in unsubscribe, unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", message["List-Unsubscribe-Post"]
    # The mail user agent's one-click unsubscribe: a POST without a session.
    path = unsubscribe[unsubscribe.index("/odoo_sales_followup/") :]
    request = urllib.request.Request(odoo.url.rstrip("/") + path, data=b"List-Unsubscribe=One-Click", method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200, response.status
    subscribed = odoo.call("res.users", "read", [user_id], ["followup_digest_weekly"])[0]["followup_digest_weekly"]
    assert subscribed is False, "the one-click unsubscribe left the user subscribed"
    # A forged token is refused.
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    forged = f"{odoo.url.rstrip('/')}/odoo_sales_followup/digest/weekly/unsubscribe?" + urllib.parse.urlencode(
        {"user_id": query["user_id"][0], "token": "forged"}
    )
    try:
        urllib.request.urlopen(forged, timeout=30)
    except urllib.error.HTTPError as error:
        assert error.code == 404, error.code
    else:
        raise AssertionError("a forged unsubscribe token was accepted")


def check_a_rerun_of_the_digest_sends_no_second_copy(odoo):
    user_id, _user = _demo_user(odoo)
    odoo.call("res.users", "write", [user_id], {"followup_digest_weekly": True})
    odoo.run_cron("odoo_sales_followup.ir_cron_digest_weekly")
    domain = [("periodicity", "=", "weekly"), ("user_id", "=", user_id)]
    assert odoo.call("crm.followup.digest", "search_count", domain) == 1, "no digest marked sent"
    odoo.run_cron("odoo_sales_followup.ir_cron_digest_weekly")
    count = odoo.call("crm.followup.digest", "search_count", domain)
    assert count == 1, f"a rerun marked {count} digests sent for the same week"
