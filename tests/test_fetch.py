"""``regio-analysis ophalen`` against a local HTTP server on 127.0.0.1 (never the network):
download and manifest, resume after a dropped connection, retry after a 500, checksum mismatch,
404, unreachable host, offline with a full and an incomplete cache, and the CLI end to end."""
from __future__ import annotations

import hashlib
import http.server
import json
import re
import socket
import threading
import time

import pytest

from regio_analysis import DataError
from regio_analysis.io.fetch import (
    Bestand, default_cache_dir, fetch_files, read_catalogus, read_manifest,
)

PO = ("INSTELLINGSCODE,VESTIGINGSCODE,TYPE_PO,PEILJAAR,AANTAL_LEERLINGEN\n"
      + "".join(f"{i:02d}AB,{i % 100:02d},BO,{2015 + i % 10},{100 + i}\n" for i in range(3000))).encode()
VO = ("BEVOEGD GEZAG NUMMER;INSTELLINGSCODE;VESTIGINGSCODE;AANTAL LEERLINGEN\n"
      + "".join(f"{40000 + i};{i:02d}XY;{i:02d}XY00;{500 + i}\n" for i in range(200))).encode("cp1252")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Server:
    """Serves ``files`` with Range support; one-shot switches to misbehave; records every request."""

    def __init__(self):
        self.files: dict[str, bytes] = {"/po.csv": PO, "/vo.csv": VO}
        self.requests: list[tuple[str, dict]] = []
        self.drop_after: dict[str, int] = {}  # path -> bytes sent before the connection is cut (once)
        self.fail_500: set[str] = set()  # paths answered with 500 (once)
        self.wrong: dict[str, bytes] = {}  # path -> content served instead (always)
        self.stall: set[str] = set()  # paths answered only after 0.5 s (once)
        self.ignore_range = False
        self.lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                with server.lock:
                    server.requests.append((self.path, dict(self.headers)))
                    fail = self.path in server.fail_500 and not server.fail_500.discard(self.path)
                    drop = server.drop_after.pop(self.path, None)
                    stall = self.path in server.stall and not server.stall.discard(self.path)
                if stall:
                    time.sleep(0.5)
                if fail:
                    return self._reply(500, b"stuk", "text/plain")
                if self.path not in server.files:
                    return self._reply(404, b"niet gevonden", "text/plain")
                data = server.wrong.get(self.path, server.files[self.path])
                etag = f'"{sha(data)[:16]}"'
                start = 0
                m = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
                if_range = self.headers.get("If-Range")
                if m and not server.ignore_range and (if_range is None or if_range == etag):
                    start = int(m.group(1))
                    if start >= len(data):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(data)}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                body = data[start:]
                self.send_response(206 if start else 200)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", "Tue, 01 Oct 2024 00:00:00 GMT")
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                if drop is not None:
                    self.wfile.write(body[:drop])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(body)

            def _reply(self, code, body, ctype):
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # a client that gave up is no error here
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def server(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    srv = Server()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def catalogue(server, **sha256) -> list[Bestand]:
    return [Bestand("brin6_totaal.csv", server.url("/po.csv"), "leerlingen_po", sha256.get("po")),
            Bestand("leerlingen-vo-2024.csv", server.url("/vo.csv"), "leerlingen_vo", sha256.get("vo"))]


def fetch(server, folder, **kw):
    kw.setdefault("backoff", 0)
    return fetch_files(kw.pop("catalogus", None) or catalogue(server), folder, **kw)


def test_download_writes_files_and_manifest(server, tmp_path):
    lines = []
    rows = fetch(server, tmp_path, voortgang=lines.append)
    assert (tmp_path / "brin6_totaal.csv").read_bytes() == PO
    assert (tmp_path / "leerlingen-vo-2024.csv").read_bytes() == VO
    assert [r["status"] for r in rows] == ["gedownload", "gedownload"]
    manifest = json.loads((tmp_path / "manifest.json").read_text())["bestanden"]
    by_name = {m["naam"]: m for m in manifest}
    assert by_name["brin6_totaal.csv"]["sha256"] == sha(PO)
    assert by_name["brin6_totaal.csv"]["bytes"] == len(PO)
    assert by_name["leerlingen-vo-2024.csv"]["soort"] == "leerlingen_vo"
    assert by_name["brin6_totaal.csv"]["url"] == server.url("/po.csv")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", by_name["brin6_totaal.csv"]["datum"])
    assert by_name["brin6_totaal.csv"]["etag"] and by_name["brin6_totaal.csv"]["last_modified"]
    assert read_manifest(tmp_path) == by_name
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == \
        ["brin6_totaal.csv", "leerlingen-vo-2024.csv", "manifest.json"]  # no .part left
    assert len(lines) == 2 and "MB" in lines[0] and "gedownload" in lines[0]

    # a second run downloads nothing; --opnieuw does
    server.requests.clear()
    rows = fetch(server, tmp_path)
    assert [r["status"] for r in rows] == ["overgeslagen", "overgeslagen"] and server.requests == []
    fetch(server, tmp_path, opnieuw=True)
    assert len(server.requests) == 2


def test_resume_after_a_dropped_connection(server, tmp_path):
    server.drop_after["/po.csv"] = 10_000
    rows = fetch(server, tmp_path, pogingen=2)
    po_requests = [h for p, h in server.requests if p == "/po.csv"]
    assert len(po_requests) == 2
    assert "Range" not in po_requests[0] and po_requests[1]["Range"] == "bytes=10000-"
    assert po_requests[1]["If-Range"]
    assert (tmp_path / "brin6_totaal.csv").read_bytes() == PO
    assert rows[0]["status"] == "hervat" and rows[0]["sha256"] == sha(PO)


def test_resume_of_a_part_left_by_an_earlier_run_and_restart_when_the_server_sends_200(server, tmp_path):
    server.drop_after["/po.csv"] = 5_000
    with pytest.raises(DataError, match="na 1 poging.*blijft staan als brin6_totaal.csv.part"):
        fetch(server, tmp_path, pogingen=1)
    assert (tmp_path / "brin6_totaal.csv.part").stat().st_size == 5_000
    assert not (tmp_path / "brin6_totaal.csv").exists()
    server.requests.clear()
    server.ignore_range = True  # answers 200 to the Range request: start over
    rows = fetch(server, tmp_path)
    assert server.requests[0][1]["Range"] == "bytes=5000-"
    assert rows[0]["status"] == "gedownload"
    assert (tmp_path / "brin6_totaal.csv").read_bytes() == PO


def test_retry_after_a_500(server, tmp_path):
    server.fail_500.add("/vo.csv")
    rows = fetch(server, tmp_path)
    assert [p for p, _ in server.requests].count("/vo.csv") == 2
    assert rows[1]["status"] == "gedownload" and (tmp_path / "leerlingen-vo-2024.csv").read_bytes() == VO


def test_retry_after_a_timeout(server, tmp_path):
    server.stall.add("/po.csv")
    rows = fetch(server, tmp_path, timeout=0.2)
    assert [p for p, _ in server.requests].count("/po.csv") == 2
    assert rows[0]["sha256"] == sha(PO)


def test_checksum_mismatch_keeps_the_earlier_good_file(server, tmp_path):
    fetch(server, tmp_path, catalogus=catalogue(server, po=sha(PO)))
    server.wrong["/po.csv"] = PO.replace(b"BO", b"SO")
    with pytest.raises(DataError) as err:
        fetch(server, tmp_path, catalogus=catalogue(server, po=sha(PO)), opnieuw=True)
    message = str(err.value)
    assert "brin6_totaal.csv" in message and sha(PO) in message and sha(server.wrong["/po.csv"]) in message
    assert "controlegetal klopt niet" in message
    assert (tmp_path / "brin6_totaal.csv").read_bytes() == PO  # the earlier good file stays
    assert not (tmp_path / "brin6_totaal.csv.part").exists()
    assert read_manifest(tmp_path)["brin6_totaal.csv"]["sha256"] == sha(PO)


def test_checksum_mismatch_on_a_first_download_leaves_no_file(server, tmp_path):
    with pytest.raises(DataError, match="verwacht sha256 0{64}"):
        fetch(server, tmp_path, catalogus=catalogue(server, po="0" * 64))
    assert not (tmp_path / "brin6_totaal.csv").exists() and not (tmp_path / "brin6_totaal.csv.part").exists()
    assert (tmp_path / "leerlingen-vo-2024.csv").read_bytes() == VO  # the other file was fetched


def test_a_cached_file_that_changed_is_reported(server, tmp_path):
    fetch(server, tmp_path)
    (tmp_path / "brin6_totaal.csv").write_bytes(PO + b"extra\n")
    server.requests.clear()
    with pytest.raises(DataError, match="veranderd sinds het werd opgehaald.*--opnieuw"):
        fetch(server, tmp_path)
    with pytest.raises(DataError, match="veranderd"):
        fetch(server, tmp_path, offline=True)
    assert server.requests == []  # neither the changed file nor the unchanged one was fetched


def test_404_names_the_url_and_suggests_a_catalogue(server, tmp_path):
    cat = [Bestand("weg.csv", server.url("/02.-oud-2019.csv"), "vestigingen")]
    with pytest.raises(DataError) as err:
        fetch(server, tmp_path, catalogus=cat)
    message = str(err.value)
    assert server.url("/02.-oud-2019.csv") in message and "HTTP 404" in message and "--catalogus" in message
    assert len(server.requests) == 1  # a 404 is not retried


def test_unreachable_host(tmp_path, monkeypatch):
    monkeypatch.setenv("no_proxy", "*")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    cat = [Bestand("a.csv", f"http://127.0.0.1:{port}/a.csv", "vestigingen")]
    with pytest.raises(DataError, match=r"na 2 poging.*127\.0\.0\.1 is onbereikbaar.*--offline"):
        fetch_files(cat, tmp_path, pogingen=2, backoff=0, timeout=2)


def test_offline_with_a_full_cache_makes_no_request(server, tmp_path):
    fetch(server, tmp_path)
    server.requests.clear()
    rows = fetch(server, tmp_path, offline=True)
    assert server.requests == []
    assert [r["status"] for r in rows] == ["in cache", "in cache"]
    assert rows[0]["sha256"] == sha(PO) and rows[0]["pad"] == str(tmp_path / "brin6_totaal.csv")


def test_offline_with_a_missing_file(server, tmp_path):
    fetch(server, tmp_path, catalogus=catalogue(server)[:1])
    server.requests.clear()
    with pytest.raises(DataError) as err:
        fetch(server, tmp_path, offline=True)
    message = str(err.value)
    assert "leerlingen-vo-2024.csv" in message and "ontbreken" in message
    assert "regio-analysis ophalen" in message and "zonder --offline" in message
    assert "brin6_totaal.csv" not in message.split("ontbreken")[1]
    assert server.requests == []


def test_catalogue_errors_and_the_packaged_catalogue(tmp_path):
    entries = read_catalogus()
    assert {e.soort for e in entries} == {"leerlingen_po", "leerlingen_po_historie", "leerlingen_vo",
                                           "vestigingen", "personeel"}
    assert all(e.url.startswith("https://") for e in entries)
    bad = tmp_path / "cat.yaml"
    bad.write_text("bestanden:\n  - naam: ../x.csv\n    url: file:///etc/passwd\n    soort: iets\n    sha: 1\n")
    with pytest.raises(DataError) as err:
        read_catalogus(bad)
    message = str(err.value)
    for part in (str(bad), "gewone bestandsnaam", "geen http(s)-adres", "soort 'iets' onbekend", "onbekende sleutel"):
        assert part in message


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "regio_analysis" / "duo"
    monkeypatch.setenv("XDG_CACHE_HOME", "relatief")
    assert default_cache_dir().parts[-3:] == (".cache", "regio_analysis", "duo")


def _catalogue_file(tmp_path, server, path="/po.csv"):
    cat = tmp_path / "catalogus.yaml"
    cat.write_text(f"bestanden:\n  - naam: brin6_totaal.csv\n    url: {server.url(path)}\n"
                   "    soort: leerlingen_po\n    omschrijving: PO-leerlingen\n", encoding="utf-8")
    return cat


def test_cli_fetch(server, tmp_path, capsys):
    from regio_analysis.cli import main

    cat, out = _catalogue_file(tmp_path, server), tmp_path / "cache"
    assert main(["ophalen", "--naar", str(out), "--catalogus", str(cat)]) == 0
    captured = capsys.readouterr()
    assert "brin6_totaal.csv" in captured.err and "gedownload" in captured.err
    assert "manifest" in captured.out and (out / "brin6_totaal.csv").read_bytes() == PO

    assert main(["ophalen", "--naar", str(out), "--catalogus", str(cat), "--offline"]) == 0
    assert "offline" in capsys.readouterr().err

    (tmp_path / "b").mkdir()
    bad = _catalogue_file(tmp_path / "b", server, "/bestaat-niet.csv")
    assert main(["ophalen", "--naar", str(tmp_path / "leeg"), "--catalogus", str(bad)]) != 0
    captured = capsys.readouterr()
    assert captured.err.startswith("fout: ") or "\nfout: " in captured.err
    assert "HTTP 404" in captured.err and "Traceback" not in captured.err + captured.out

    assert main(["ophalen", "--naar", str(tmp_path / "leeg2"), "--catalogus", str(cat), "--offline"]) != 0
    err = capsys.readouterr().err
    assert "ontbreken" in err and "zonder --offline" in err and "Traceback" not in err


def test_cli_disk_error_is_a_clean_message(server, tmp_path, capsys):
    from regio_analysis.cli import main

    blocker = tmp_path / "bestand"
    blocker.write_text("geen map")
    cat = _catalogue_file(tmp_path, server)
    assert main(["ophalen", "--naar", str(blocker / "cache"), "--catalogus", str(cat)]) != 0
    err = capsys.readouterr().err
    assert "fout: " in err and str(blocker) in err and "--naar" in err and "Traceback" not in err
