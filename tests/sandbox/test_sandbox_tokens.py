"""Token acquisition and presentation: admin, /arcgis/tokens, Portal, versions and expiry."""

from __future__ import absolute_import, unicode_literals

import requests

from agsadmin_core.sandbox import DEMO_PASSWORD, DEMO_USER

CREDS = {"username": DEMO_USER, "password": DEMO_PASSWORD}


def _form(**extra):
    data = dict(CREDS, client="requestip", f="json")
    data.update(extra)
    return data


def test_admin_token_expires_is_a_string_without_ssl(sb):
    body = requests.post(sb.admin_url + "/generateToken", data=_form()).json()
    assert set(body) == {"token", "expires"}
    assert isinstance(body["expires"], type("")) and body["expires"].isdigit()


def test_tokens_endpoint_expires_is_a_number_with_ssl(sb, admin):
    body = requests.post(sb.url + "/tokens/generateToken", data=_form()).json()
    assert set(body) == {"token", "expires", "ssl"} and body["ssl"] is False
    assert isinstance(body["expires"], int) or type(body["expires"]).__name__ == "long"
    # a /tokens token is accepted by the admin API (section 1.2)
    assert "folders" in admin.ok("/services", token=body["token"])


def test_expiry_is_the_clock_and_capped(sb):
    now_ms = sb.site.clock.now() * 1000
    body = requests.post(sb.admin_url + "/generateToken", data=_form(expiration="99999")).json()
    assert abs(int(body["expires"]) - (now_ms + 1440 * 60000)) < 5000
    default = requests.post(sb.admin_url + "/generateToken", data=_form()).json()
    assert abs(int(default["expires"]) - (now_ms + 60 * 60000)) < 5000


def test_configurable_lifetimes(make_sb):
    sb = make_sb(token_minutes=5, max_token_minutes=10)
    now_ms = sb.site.clock.now() * 1000
    default = requests.post(sb.admin_url + "/generateToken", data=_form()).json()
    capped = requests.post(sb.admin_url + "/generateToken", data=_form(expiration="60")).json()
    assert abs(int(default["expires"]) - (now_ms + 5 * 60000)) < 5000
    assert abs(int(capped["expires"]) - (now_ms + 10 * 60000)) < 5000


def test_token_dies_when_the_clock_passes_expiry(sb, admin):
    token = admin.token(expiration="10")
    sb.site.advance_clock(9 * 60)
    assert "folders" in admin.ok("/services", token=token)
    sb.site.advance_clock(61)
    assert admin.ok("/services", token=token)["messages"] == ["Token Expired."]


def test_wrong_credentials_admin_envelope(sb):
    r = requests.post(sb.admin_url + "/generateToken", data=_form(password="wrong"))
    body = r.json()
    assert r.status_code == 200 and body["status"] == "error" and isinstance(body["code"], int)
    assert body["messages"]


def test_user_names_are_case_sensitive(sb):
    body = requests.post(sb.admin_url + "/generateToken", data=_form(username=DEMO_USER.upper())).json()
    assert body["status"] == "error"


def test_wrong_credentials_rest_envelope(sb):
    body = requests.post(sb.url + "/tokens/generateToken", data=_form(password="wrong")).json()
    assert body == {"error": {"code": 400, "message": "Unable to generate token.",
                              "details": ["Invalid username or password."]}}
    body = requests.post(sb.url + "/tokens/generateToken", data={"f": "json"}).json()
    assert body["error"]["details"] == ["'username' must be specified.", "'password' must be specified."]


def test_credentials_in_query_are_refused_on_10_3_and_later(sb):
    r = requests.post(sb.admin_url + "/generateToken", params=CREDS, data={"f": "json", "client": "requestip"})
    body = r.json()
    assert body["status"] == "error" and "query string" in body["messages"][0]
    body = requests.post(sb.url + "/tokens/generateToken", params=CREDS, data={"f": "json"}).json()
    assert body == {"error": {"code": 405, "message": "Method not supported",
                              "details": "Generate Token request should not contain username and "
                                         "password in the query string."}}


def test_get_token_depends_on_the_version(make_sb):
    old = make_sb(version="10.1")
    body = requests.get(old.admin_url + "/generateToken", params=_form()).json()
    assert "token" in body and isinstance(body["expires"], type(""))
    assert "token" in requests.get(old.url + "/tokens/generateToken", params=_form()).json()
    new = make_sb(version="10.3")
    body = requests.get(new.admin_url + "/generateToken", params=_form()).json()
    assert body["status"] == "error"
    body = requests.get(new.admin_url + "/generateToken", params={"f": "json"}).json()
    assert body["status"] == "error" and body["code"] == 405


def test_token_in_query_form_and_csrf_field(sb, admin):
    token = admin.token()
    by_query = requests.post(sb.admin_url + "/services/Maps", params={"token": token, "f": "json"}).json()
    by_form = requests.post(sb.admin_url + "/services/Maps", data={"token": token, "f": "json"}).json()
    by_csrf = requests.post(sb.admin_url + "/services/Maps",
                            data={"csrfPreventToken": token + "," + sb.admin_url, "f": "json"}).json()
    assert by_query == by_form == by_csrf and by_form["folderName"] == "Maps"


def test_referer_bound_token_needs_the_matching_header(sb):
    token = requests.post(sb.admin_url + "/generateToken",
                          data=_form(client="referer", referer="https://app.example")).json()["token"]
    data = {"token": token, "f": "json"}
    ok = requests.post(sb.admin_url + "/services", data=data, headers={"Referer": "https://app.example"})
    assert "folders" in ok.json()
    for headers in ({}, {"Referer": "https://other.example"}):
        body = requests.post(sb.admin_url + "/services", data=data, headers=headers).json()
        assert body == {"status": "error", "messages": ["Invalid token, ClientID does not match."],
                        "code": 498}


def test_ip_bound_token_from_another_address_is_refused(sb):
    token = requests.post(sb.admin_url + "/generateToken",
                          data=_form(client="ip", ip="10.9.8.7")).json()["token"]
    body = requests.post(sb.admin_url + "/services", data={"token": token, "f": "json"}).json()
    assert body["messages"] == ["Invalid token, ClientID does not match."]


def test_referer_client_without_referer_is_an_error(sb):
    body = requests.post(sb.admin_url + "/generateToken", data=_form(client="referer")).json()
    assert body["status"] == "error"


def test_long_token_without_client_on_tokens_endpoint(sb):
    data = dict(CREDS, f="json", expiration="600")
    body = requests.post(sb.url + "/tokens/generateToken", data=data).json()
    assert body["error"]["code"] == 201
    data["expiration"] = "30"
    assert "token" in requests.post(sb.url + "/tokens/generateToken", data=data).json()


def test_admin_endpoint_can_be_switched_off(make_sb):
    sb = make_sb(admin_token_endpoint=False)
    body = requests.post(sb.admin_url + "/generateToken", data=_form()).json()
    assert body == {"status": "error", "code": 404, "messages": [
        "Could not find resource or operation 'generateToken' on the system."]}
    token = requests.post(sb.url + "/tokens/generateToken", data=_form()).json()["token"]
    assert "folders" in requests.post(sb.admin_url + "/services", data={"token": token, "f": "json"}).json()


def test_rest_info_needs_no_token(sb):
    for method in (requests.get, requests.post):
        body = method(sb.url + "/rest/info", params={"f": "json"}).json()
        assert body["currentVersion"] == 11.3 and body["fullVersion"] == "11.3.0"
        assert body["authInfo"] == {"isTokenBasedSecurity": True,
                                    "tokenServicesUrl": sb.url + "/tokens/",
                                    "shortLivedTokenValidity": 60}
        assert "owningSystemUrl" not in body


def test_admin_info_lower_case_keys(admin):
    body = admin.ok("/info")
    assert body["currentversion"] == "11.3" and body["currentbuild"]
    assert body["loggedInUser"] == DEMO_USER and "olsonid" in body["timezone"]


def test_portal_is_served_only_when_federated(sb):
    r = requests.post(sb.portal_url + "/sharing/rest/generateToken", data=_form())
    assert r.status_code == 404


def test_federated_portal_tokens(make_sb):
    sb = make_sb(federated=True)
    info = requests.get(sb.url + "/rest/info", params={"f": "json"}).json()
    assert info["owningSystemUrl"] == sb.portal_url
    assert info["authInfo"]["tokenServicesUrl"] == sb.portal_url + "/sharing/rest/generateToken"
    body = requests.post(sb.portal_url + "/sharing/rest/generateToken",
                         data=dict(CREDS, client="referer", referer=sb.url, expiration="60",
                                   f="json")).json()
    assert set(body) == {"token", "expires", "ssl"} and not isinstance(body["expires"], type(""))
    data = {"token": body["token"], "f": "json"}
    ok = requests.post(sb.admin_url + "/services", data=data, headers={"Referer": sb.url}).json()
    assert "folders" in ok
    bad = requests.post(sb.portal_url + "/sharing/rest/generateToken",
                        data=dict(CREDS, password="x", client="referer", referer=sb.url, f="json")).json()
    assert bad["error"]["message"] == "Unable to generate token."


def test_tokens_are_deterministic_under_a_seed(make_sb):
    first = [requests.post(sb.admin_url + "/generateToken", data=_form()).json()["token"]
             for sb in (make_sb(seed=7), make_sb(seed=7))]
    other = requests.post(make_sb(seed=8).admin_url + "/generateToken", data=_form()).json()["token"]
    assert first[0] == first[1] != other
