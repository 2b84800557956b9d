"""Static files: nothing outside static/ is ever served, no directory listings, the right
content types whatever the host's /etc/mime.types says, and cheap revalidation (ETag)."""

import http.client
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

SECRETS = ("def create_app", "root:x:", "[project]", "import ")  # app/main.py, /etc/passwd, pyproject


def raw_get(server: str, path: str, method: str = "GET", headers: dict | None = None):
    """Send `path` byte for byte (an HTTP library would normalise `..` away)."""
    address = urlsplit(server)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.putrequest(method, path, skip_accept_encoding=True)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response, body


ESCAPES = [
    "/static/../app/main.py", "/static/../../etc/passwd", "/static/js/../../app/main.py",
    "/static/%2e%2e/app/main.py", "/static/%2E%2E/%2E%2E/etc/passwd", "/static/..%2fapp%2fmain.py",
    "/static/%2e%2e%2fapp%2fmain.py", "/static/js/..%2f..%2fpyproject.toml",
    "/static/..\\app\\main.py", "/static/%5c..%5capp%5cmain.py", "/static/..%5c..%5cetc%5cpasswd",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/%2Fetc/passwd",
    "/static/....//....//etc/passwd", "/static/%252e%252e/app/main.py", "/static/.%2e/app/main.py",
    "/static/js/%00../../app/main.py", "/static/file:///etc/passwd",
]


@pytest.mark.parametrize("path", ESCAPES)
def test_no_path_escapes_static(live_server, path):
    response, body = raw_get(live_server, path)
    assert response.status in (400, 404), (path, response.status, body[:200])
    assert not any(secret in body for secret in SECRETS), body[:200]
    if response.status == 404:  # the project's error shape, with the security headers
        assert '"fields":["path"]' in body
        assert response.getheader("x-content-type-options") == "nosniff"


@pytest.mark.parametrize("path", ["/static/", "/static", "/static/js/", "/static/js", "/static/css/",
                                  "/static/i18n/", "/static/img"])
def test_no_directory_listings(client, path):
    response = client.get(path, follow_redirects=False)  # no slash-adding redirect either
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["fields"] == ["path"]


TYPES = [("/static/js/main.js", "text/javascript"), ("/static/js/api.js", "text/javascript"),
         ("/static/css/app.css", "text/css"), ("/static/img/favicon.svg", "image/svg+xml"),
         ("/static/i18n/en.json", "application/json")]


@pytest.mark.parametrize("path,content_type", TYPES)
def test_content_types_and_revalidation(client, path, content_type):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == content_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-cache"
    etag = response.headers["etag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["cache-control"] == "no-cache"  # 304s carry the headers too
    assert again.headers["x-content-type-options"] == "nosniff"


def test_content_types_do_not_depend_on_the_host_mime_table():
    """python:3.11-slim has no /etc/mime.types, where Python 3.11 says application/javascript."""
    code = ("import mimetypes; mimetypes.init(files=[]); import app.security; "
            "print(*(mimetypes.guess_type('a' + e)[0] for e in ('.js', '.css', '.svg', '.json')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["text/javascript", "text/css", "image/svg+xml", "application/json"]


def test_head_works_and_writes_are_refused(client):
    head = client.head("/static/js/main.js")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 0
    for method in ("POST", "PUT", "DELETE"):
        response = client.request(method, "/static/js/main.js")
        assert response.status_code == 405
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_page_references_only_files_that_are_served(client):
    import re
    html = client.get("/").text
    for path in set(re.findall(r'(?:src|href)="(/static/[^"]+)"', html)):
        assert client.get(path).status_code == 200, path
