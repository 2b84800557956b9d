"""Security headers on every kind of response, the framing setting, and the real page
running in headless Chromium under its Content-Security-Policy with no violation."""

import json
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from app import settings as runtime
from app.main import create_app
from app.page_inline import SCRIPT_SOURCE as PAGE_SCRIPT, STYLE_SOURCE as PAGE_STYLE
from app.paths import STATIC
from app.settings import Settings, SettingsError, parse_origins

COMMON = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
          "cross-origin-opener-policy": "same-origin"}


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def assert_secure(response, framing: str = "'none'") -> None:
    kind = response.headers.get("content-type", "").split(";")[0]
    if kind in ("text/javascript", "text/css"):  # never a document: the subresource headers
        return assert_subresource(response)
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    assert "camera=()" in response.headers["permissions-policy"]
    policy = directives(response)
    assert " ".join(policy["frame-ancestors"]) == framing
    if framing == "'none'":
        assert response.headers["x-frame-options"] == "DENY"
    else:
        assert "x-frame-options" not in response.headers
    assert "cache-control" in response.headers


def assert_subresource(response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cross-origin-resource-policy"] == "same-origin"
    assert "cache-control" in response.headers
    if response.headers["content-type"].startswith("text/css"):  # governs its url() requests
        assert response.headers["referrer-policy"] == "no-referrer"
    for document_only in ("content-security-policy", "x-frame-options", "permissions-policy",
                          "cross-origin-opener-policy"):
        assert document_only not in response.headers, document_only


RESPONSES = [
    ("page", "GET", "/", None, 200),
    ("health", "GET", "/healthz", None, 200),
    ("openapi", "GET", "/openapi.json", None, 200),
    ("static js", "GET", "/static/js/main.js", None, 200),
    ("static css", "GET", "/static/css/app.css", None, 200),
    ("run", "POST", "/api/run", '{"tape": [1]}', 200),
    ("step", "POST", "/api/step", '{"x": 1}', 200),
    ("404", "GET", "/no/such/page", None, 404),
    ("static 404", "GET", "/static/js/nope.js", None, 404),
    ("directory", "GET", "/static/js/", None, 404),
    ("405", "GET", "/api/run", None, 405),
    ("422", "POST", "/api/run", '{"tape": []}', 422),
    ("400", "POST", "/api/run", '{"tape": [1', 400),
    ("413", "POST", "/api/run", "[" + "0," * 200_000 + "0]", 413),
]


@pytest.mark.parametrize("name,method,path,body,status", RESPONSES, ids=[r[0] for r in RESPONSES])
def test_every_response_carries_the_headers(client, name, method, path, body, status):
    response = client.request(method, path, content=body,
                              headers={"content-type": "application/json"} if body else {})
    assert response.status_code == status, response.text
    assert_secure(response)


def test_page_policy_allows_one_inline_script_and_no_other_origin(client):
    response = client.get("/")
    policy = directives(response)
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'", PAGE_SCRIPT]
    assert policy["style-src"] == ["'self'", PAGE_STYLE] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and policy["connect-src"] == ["'self'"]
    text = response.headers["content-security-policy"]
    assert "unsafe" not in text and "http" not in text and "*" not in text
    # Every <script> but one is an external module from /static or a JSON data block; the
    # one inline script is exactly the text its hash allows.
    import base64
    import hashlib
    import re

    import rjsmin

    inline = re.findall(r"<script>(.*?)</script>", response.text, re.S)
    for tag in re.findall(r"<script\b[^>]*>", response.text):
        assert 'type="application/json"' in tag or 'src="/static/' in tag or tag == "<script>", tag
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert PAGE_SCRIPT == f"'sha256-{digest}'"
    assert inline[0] == rjsmin.jsmin((STATIC / "js" / "inline" / "projector.js").read_text(encoding="utf-8"))
    assert not re.search(r"\son[a-z]+=", response.text), "inline event handler"


def test_the_inline_style_is_exactly_what_the_policy_allows(client):
    import base64
    import hashlib
    import re

    import rcssmin

    html = client.get("/").text
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert directives(client.get("/"))["style-src"] == ["'self'", f"'sha256-{digest}'"]
    assert style == rcssmin.cssmin((STATIC / "css" / "app.css").read_text(encoding="utf-8"))
    assert "<link rel=\"stylesheet\"" not in html  # nothing blocks the first paint


def test_docs_pages_get_their_own_policy_but_the_same_framing(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert_secure(response)
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]  # Swagger UI's start-up script
    assert not any("http" in value for values in policy.values() for value in values)  # no CDN


def test_a_500_carries_the_headers_too():
    app = create_app(Settings())

    @app.get("/boom")
    async def boom():
        raise RuntimeError("boom")

    response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500 and response.json()["fields"] == ["request"]
    assert_secure(response)


def test_framing_allowed_only_for_configured_origins():
    origins = ("https://moodle.school.example", "https://*.lms.example:8443")
    client = TestClient(create_app(Settings(frame_ancestors=origins)))
    for path in ("/", "/healthz", "/static/js/main.js", "/nope"):
        assert_secure(client.get(path), framing="'self' " + " ".join(origins))


def test_framing_setting_from_the_environment():
    env = {runtime.FRAME_ANCESTORS_ENV: " https://a.example/, http://10.0.0.5:8080  https://a.example"}
    assert runtime.from_env(env).frame_ancestors == ("https://a.example", "http://10.0.0.5:8080")
    assert runtime.from_env({}).frame_ancestors == ()


@pytest.mark.parametrize("junk", [
    "javascript:alert(1)", "https://a.example/path", "https://a.example; script-src *", "*",
    "'self'", "'unsafe-inline'", "ftp://a.example", "https://", "a.example", "https://a..example",
    "https://a.example:99999", "https://a.example?x=1", "data:", "https://a.exa mple",
])
def test_junk_origins_are_refused_with_a_clear_message(junk):
    with pytest.raises(SettingsError, match="is not an origin"):
        parse_origins(f"https://fine.example {junk}")


def test_cli_refuses_junk_settings_before_starting():
    for flag, value in (("--frame-ancestors", "https://ok.example javascript:x"), ("--body-timeout", "-1")):
        result = subprocess.run([sys.executable, "-m", "app.cli", flag, value, "--port", "8499"],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("lstm-cell-lab: LSTM_LAB_") and flag in result.stderr


# In the browser: collect every CSP violation the page reports, by event and on the console.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.mark.browser
def test_the_page_runs_under_its_policy_with_no_violation(page, live_server):
    console = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(WATCH)
    response = page.goto(f"{live_server}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("#diagram .cell-value")).not_to_have_text("")
    for _ in range(3):
        page.get_by_role("button", name="Step forward").click()
    slider = page.get_by_label("Input gate", exact=True)
    for value in (0.2, 0.7, 1.0):  # drag
        slider.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", value)
    expect(page.get_by_test_id("cell-value")).not_to_have_text("")
    page.get_by_role("button", name="Step back").click()
    page.locator("#variant").select_option("forget")
    page.locator("#variant").select_option("gru")  # a part fetched on use (once.js)
    expect(page.locator("#diagram .gru-drawing")).to_be_visible()
    page.locator("#variant").select_option("lstm1997")
    # The one style sheet is the page's own <style>, allowed by its hash, and applied.
    assert page.evaluate("[...document.styleSheets].map((s) => s.cssRules.length)")[0] > 100
    for opener, dialog in (("open-help", "help-dialog"), ("open-lessons", "lessons-dialog"),
                           ("open-teacher", "teacher-dialog")):
        page.locator(f"#{opener}").click()
        expect(page.locator(f"#{dialog}")).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.locator(f"#{dialog}")).to_be_hidden()
    page.get_by_role("button", name="Play").click()
    page.wait_for_timeout(600)
    page.get_by_role("button", name="Play").or_(page.get_by_role("button", name="Pause")).first.click()
    with page.expect_download():
        page.locator("#download-csv").click()
    page.wait_for_timeout(300)
    violations = page.evaluate("window.__csp")
    csp_console = [m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m]
    assert violations == [] and csp_console == [], (violations, csp_console)


# Slow and oversized clients: a request body that trickles in and stops must not hold up
# anyone else, and must itself be answered (408) and let go once the body timeout passes.
def slow_client(url: str, declared: int, sent: bytes):
    import socket
    from urllib.parse import urlsplit
    address = urlsplit(url)
    sock = socket.create_connection((address.hostname, address.port), timeout=30)
    sock.sendall(b"POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n" % declared + sent)
    return sock


def read_all(sock) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    sock.close()
    return b"".join(chunks)


def test_slow_bodies_do_not_block_others_and_are_let_go(server_thread):
    import urllib.request
    server = server_thread(create_app(Settings(body_timeout=1.0)), limit_concurrency=1000)
    stalled = [slow_client(server.url, 1000, b'{"tape": [0.1,') for _ in range(20)]
    with urllib.request.urlopen(urllib.request.Request(
            f"{server.url}/api/run", data=b'{"tape": [1, 2, 3]}',
            headers={"Content-Type": "application/json"}), timeout=5) as answer:
        assert answer.status == 200 and len(json.loads(answer.read())["steps"]) == 3
    for sock in stalled:  # the body timeout answers each stalled client, then closes it
        reply = read_all(sock)
        assert reply.startswith(b"HTTP/1.1 408 "), reply[:200]
        assert b'"fields": ["body"]' in reply and b"x-content-type-options: nosniff" in reply


def test_oversized_declared_body_is_refused_before_it_is_sent(server_thread):
    server = server_thread(create_app(Settings()))
    sock = slow_client(server.url, 50_000_000, b"")
    reply = read_all(sock)
    assert reply.startswith(b"HTTP/1.1 413 ") and b'"fields": ["body"]' in reply


@pytest.mark.browser
def test_svg_and_png_export_run_under_the_policy(page, live_server):
    page.add_init_script(WATCH)
    page.goto(f"{live_server}/")
    expect(page.locator("#diagram .cell-value")).not_to_have_text("")
    for kind in ("svg", "png"):
        with page.expect_download():
            page.locator(f"#download-{kind}").click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__csp") == []


# HEAD on every GET route, with the GET's headers and no body (monitors use HEAD).
HEADS = ["/", "/healthz", "/api/lessons", "/api/lessons/hold", "/openapi.json",
         "/static/js/main.js", "/api/qr?text=http%3A%2F%2Ftestserver%2F"]


@pytest.mark.parametrize("path", HEADS)
def test_head_answers_every_get_route(client, path):
    get, head = client.get(path), client.head(path)
    assert get.status_code == head.status_code == 200, (path, head.status_code)
    assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]
    assert_secure(head)


def test_trailing_slash_is_not_redirected_to_the_requests_host(client):
    for path in ("/healthz/", "/api/lessons/", "/static", "/docs/"):
        response = client.get(path, headers={"host": "evil.example"}, follow_redirects=False)
        assert "evil.example" not in response.headers.get("location", ""), path
        assert response.status_code == 404 and response.json()["fields"] == ["path"]


def test_allowed_hosts_refuse_other_host_headers():
    client = TestClient(create_app(Settings(allowed_hosts=("lab.school.example", "*.lan.example"))))
    for host, status in (("lab.school.example", 200), ("LAB.school.example:8000", 200),
                         ("a.lan.example", 200), ("127.0.0.1:8000", 200), ("localhost", 200),
                         ("[::1]:8000", 200), ("rebind.attacker.example", 400), ("", 400),
                         ("lab.school.example.attacker.example", 400), ("lan.example", 400)):
        response = client.get("/healthz", headers={"host": host})
        assert response.status_code == status, host
        if status == 400:
            assert response.json()["fields"] == ["host"]
            assert_secure(response)


def test_allowed_hosts_refuse_a_websocket_and_pass_the_join_address():
    from starlette.websockets import WebSocketDisconnect

    settings = Settings(allowed_hosts=("lab.school.example",), public_url="http://192.168.7.9:8000")
    client = TestClient(create_app(settings))
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/ws/class/ABCDEF", headers={"host": "rebind.attacker.example"}):
            pass
    assert refused.value.code == 1008
    # The address the server itself gives students in join links is always served.
    assert client.get("/healthz", headers={"host": "192.168.7.9:8000"}).status_code == 200
    assert client.get("/healthz", headers={"host": "192.168.7.10:8000"}).status_code == 400


def test_any_host_is_served_when_the_setting_is_empty(client):
    assert client.get("/healthz", headers={"host": "anything.example"}).status_code == 200


def test_allowed_hosts_setting_from_the_environment_and_junk():
    env = {runtime.ALLOWED_HOSTS_ENV: "Lab.School.example, 192.168.1.20 *.lan.example"}
    assert runtime.from_env(env).allowed_hosts == ("lab.school.example", "192.168.1.20", "*.lan.example")
    for junk in ("http://lab.example", "lab.example:8000", "lab.example/x", "a b;c"):
        with pytest.raises(SettingsError, match="LSTM_LAB_ALLOWED_HOSTS"):
            runtime.from_env({runtime.ALLOWED_HOSTS_ENV: junk})
