"""The pieces of the page bench (``datareturns/bench_pages.py``) that can be checked without running
``manage.py bench``: the table, the percentiles, the load generator against a real socket server,
and the minimal view the dashboard is compared with."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client, override_settings

from datareturns.bench_pages import LoadResult, PageBenchError, load, page_bench_table


def test_percentiles_are_nearest_rank():
    result = LoadResult("x", "/", 1.0, [i / 1000 for i in range(1, 101)])
    assert result.percentile_ms(50) == pytest.approx(50.0)
    assert result.percentile_ms(99) == pytest.approx(99.0)
    assert result.requests_per_second == 100


def test_table_compares_the_dashboard_with_the_minimal_view_and_says_whether_the_goals_are_met():
    minimal = LoadResult("Minimal", "/m", 10.0, [0.010] * 4000)
    ordinary = LoadResult("Notifications", "/n", 10.0, [0.020] * 2500)
    fast = LoadResult("Dashboard", "/d", 10.0, [0.030] * 2000)
    slow = LoadResult("Dashboard", "/d", 10.0, [0.050] * 1000)

    met = page_bench_table([minimal, ordinary, fast], workers=5).splitlines()
    assert met[4] == "| Minimal | 4,000 | 400 | 1.00× | 10.0 | 10.0 | the baseline |"
    assert met[5].endswith("| for scale |")
    assert met[6] == "| Dashboard | 2,000 | 200 | 0.50× | 30.0 | 30.0 | met |"
    missed = page_bench_table([minimal, ordinary, slow], workers=5).splitlines()
    assert missed[6].endswith("| 0.25× | 50.0 | 50.0 | ratio missed, p99 missed |")


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        status = 200 if "session=ok" in self.headers.get("Cookie", "") else 403
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()


def test_load_keeps_connections_busy_and_times_every_answer(server):
    result = load(port=server, name="test", path="/", cookie="session=ok", seconds=0.5, connections=4)
    assert len(result.latencies) > 4
    assert all(0 < latency < 0.5 for latency in result.latencies)


def test_load_fails_when_an_answer_is_not_200(server):
    with pytest.raises(PageBenchError, match="were not 200"):
        load(port=server, name="test", path="/", cookie="session=no", seconds=0.2, connections=2)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="datareturns.bench_urls")
def test_the_minimal_view_is_for_signed_in_people_only(nobody):
    assert Client().get("/bench/minimal/").status_code == 302
    client = Client()
    client.force_login(nobody)
    assert client.get("/bench/minimal/").content == f"Signed in as {nobody.pk}".encode()


def test_a_bench_server_that_fails_to_start_is_stopped_not_leaked(monkeypatch):
    """A ``with`` whose ``__enter__`` raises never runs ``__exit__``: the server must stop gunicorn
    itself, or a failed bench leaves it running (and holding a database session) after the run."""
    from datareturns.bench_http import BenchServerError, GunicornServer

    def never_answers(self):
        raise BenchServerError("gunicorn did not answer within 60 seconds.")

    monkeypatch.setattr(GunicornServer, "_wait_until_it_answers", never_answers)
    server = GunicornServer(workers=1)
    with pytest.raises(BenchServerError), server:
        pass
    assert server.process is not None and server.process.poll() is not None
