"""Scale-out as operators run it (docs/deploy.md): nginx in front of four Daphne processes with
PostgreSQL and Redis, thousands of viewers over nginx, one comment and a vote burst.

Run by hand (installs Debian's nginx with apt-get when it is missing; about 5 minutes):

    .venv/bin/python bench/scaleout.py [--viewers 4000] [--voters 200] [--seconds 10]

What runs, all on loopback and stopped on exit:

* four `python -m deliberation.fastpath --proxy-headers -u <dir>/N.sock` processes (the systemd
  unit of docs/deploy.md section 3), DEBUG=0, a fresh PostgreSQL database and a Redis database;
* nginx (`/usr/sbin/nginx` of Debian's package) with the site configuration of docs/deploy.md
  section 5, read from that file at run time, changed only where a bench must: the upstream's
  socket paths, the listen addresses (free loopback ports), a self-signed certificate for
  beteiligung.example.org, the static files' directory. Around it a minimal nginx.conf (pid,
  logs and temp paths in the bench's directory, enough worker connections, `user root` so the
  workers can reach the sockets);
* the naive baseline in the same run: a plain `websockets` broadcast server (bench/fanout.py's
  floor), one process, no proxy, no TLS, with the same number of viewers.

Measured: the time from sending a comment until the LAST viewer over nginx (wss, TLS) has it
(median/p99 of `--comments`), beside the floor's; then `--viewers` watchers again and `--voters`
voters in a closed loop for `--seconds` (bench/votes.py's round): acks/s, ack median/p99, exact
totals, watchers whose newest counts equal the API's; RSS of every Daphne and nginx process.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _util as u
import fanout as f
import votes as v

HOST = "beteiligung.example.org"  # the server_name of docs/deploy.md
PROCESSES = 4


def ensure_nginx() -> str:
    """The nginx binary of Debian's package, installed with apt-get when missing."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found:
        return found
    print("[scale-out] nginx is missing: apt-get install nginx (Debian's package) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", "nginx"], env=env, check=True
    )
    # The package's service may have been started on port 80 by its postinst: it is not ours to
    # keep running for a benchmark, stop it (its default configuration, its pid file).
    if Path("/run/nginx.pid").exists():
        subprocess.run(["/usr/sbin/nginx", "-s", "quit"], check=False)
    return "/usr/sbin/nginx"


def documented_site() -> str:
    """The nginx site configuration of docs/deploy.md, section 5 (the first nginx block there)."""
    text = (u.ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    section = text[text.index("## 5. nginx") :]
    return re.search(r"```nginx\n(.*?)```", section, re.S).group(1)


def bench_site(
    site: str,
    sockets: list[Path],
    http_port: int,
    https_port: int,
    cert: Path,
    key: Path,
    static: Path,
) -> str:
    """The documented site with only what a bench must change (see the module docstring)."""
    documented = re.findall(r"server unix:(\S+);", site)
    if len(documented) != len(sockets):
        raise SystemExit(
            f"docs/deploy.md lists {len(documented)} upstream sockets, not {len(sockets)}"
        )
    for old, new in zip(documented, sockets, strict=True):
        site = site.replace(f"server unix:{old};", f"server unix:{new};")
    site = re.sub(r"\n\s*listen \[::\]:\d+( ssl)?;", "", site)  # loopback IPv4 only
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate     {cert};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    site = re.sub(r"alias /var/lib/deliberation/static/;", f"alias {static}/;", site)
    return site


def nginx_conf(site: str, tmp: Path, viewers: int) -> str:
    return f"""
user root;
worker_processes auto;
worker_rlimit_nofile {viewers * 3 + 1000};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections {viewers * 2 + 1000}; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
{site}
}}
"""


class Proxied(f.Server):
    """The site as clients reach it: https/wss to beteiligung.example.org at nginx's port."""

    @property
    def http(self) -> str:
        return f"https://{HOST}"

    @property
    def ws_base(self) -> str:
        return f"wss://{HOST}"

    def open(self, path: str, timeout: float = 30):
        # The certificate names beteiligung.example.org; the address is loopback.
        context = ssl.create_default_context(cafile=self.connect_kwargs["ssl"].cafile_path)
        context.check_hostname = False
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=timeout, context=context
        )
        connection.request("GET", path, headers={"Host": HOST})
        response = connection.getresponse()
        if response.status != 200:
            raise RuntimeError(f"GET {path} through nginx: {response.status}")
        return response


def start_daphnes(env: dict[str, str], tmp: Path) -> list:
    procs, sockets = [], []
    for n in range(1, PROCESSES + 1):
        sock = tmp / f"{n}.sock"
        log = tmp / f"daphne-{n}.log"
        procs.append(
            u.start(
                [
                    *u.FAST_DAPHNE,
                    "--proxy-headers",
                    "-u",
                    str(sock),
                    "deliberation.asgi:application",
                ],
                env=env,
                log=log,
            )
        )
        sockets.append(sock)
    return procs, sockets


def wait_daphnes(sockets: list[Path], timeout: float = 90) -> None:
    """Until every Daphne answers on its unix socket (nginx would answer 502 for one that
    does not listen yet)."""
    import socket as socketlib

    deadline = time.monotonic() + timeout
    for path in sockets:
        while True:
            try:
                sock = socketlib.socket(socketlib.AF_UNIX, socketlib.SOCK_STREAM)
                sock.settimeout(10)
                sock.connect(str(path))
                sock.sendall(b"GET /api/drafts/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                answered = sock.recv(12).startswith(b"HTTP/1.")
                sock.close()
                if answered:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"Daphne on {path} did not answer")
            time.sleep(0.3)


def wait_ready(server: Proxied, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with server.open("/api/drafts/", timeout=10) as response:
                response.read()
            return
        except Exception as exc:
            if time.monotonic() > deadline:
                raise SystemExit(f"the site did not answer through nginx: {exc!r}") from None
            time.sleep(0.5)


def process_rss(pids: list[int]) -> list[int]:
    return [u.rss_kb(pid) for pid in pids]


def nginx_pids(master: int) -> list[int]:
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return pids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=4000)
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--comments", type=int, default=3)
    args = parser.parse_args()
    if not (u.redis_available() and u.postgres_available()):
        raise SystemExit("needs Redis on 127.0.0.1:6379 and PostgreSQL on 127.0.0.1:5432")
    nginx = ensure_nginx()
    u.raise_fd_limit(args.viewers * 2 + args.voters + 2000)
    started, load_before = time.monotonic(), os.getloadavg()
    db, redis_db = u.pg_create("bench_scaleout"), u.redis_claim_db()
    tmp_dir = tempfile.TemporaryDirectory(prefix="bench-scaleout-")
    tmp = Path(tmp_dir.name)
    try:
        env = v.production_env(
            tmp, "scaleout", DATABASE_URL=u.pg_url(db), REDIS_URL=u.redis_url(redis_db)
        )
        env["ALLOWED_HOSTS"] = f"{HOST},127.0.0.1"
        env.pop("SECURE_SSL_REDIRECT")  # as in production: nginx says the scheme is https
        print("[scale-out] a fresh database, the draft and the voters ...", flush=True)
        setup = f.prepare_database(env, args.voters)
        procs, sockets = start_daphnes(env, tmp)
        wait_daphnes(sockets)
        cert, key = tmp / "cert.pem", tmp / "key.pem"
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                f"/CN={HOST}",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
        http_port, https_port = u.free_port(), u.free_port()
        site = bench_site(
            documented_site(),
            sockets,
            http_port,
            https_port,
            cert,
            key,
            Path(env["VAR_DIR"]) / "static",
        )
        conf = tmp / "nginx.conf"
        conf.write_text(nginx_conf(site, tmp, args.viewers))
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (tmp / f"nginx-{name}").mkdir()
        subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", str(tmp)], check=True)
        master = u.start(
            [nginx, "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"],
            env=dict(os.environ),
            log=tmp / "nginx.log",
        )
        context = ssl.create_default_context(cafile=str(cert))
        context.cafile_path = str(cert)  # for plain HTTPS requests (Proxied.open)
        server = Proxied(
            https_port,
            master,
            tmp / "nginx.log",
            connect_kwargs={"ssl": context, "host": "127.0.0.1", "port": https_port},
        )
        wait_ready(server)
        daphne_pids = [p.pid for p in procs]
        print(
            f"[scale-out] {args.viewers} viewers over nginx, {args.comments} comments ...",
            flush=True,
        )
        fan = asyncio.run(
            f.fanout_round(
                [server],
                daphne_pids,
                args.viewers,
                setup["slug"],
                setup["keys"][0],
                setup["voter_sessions"][0],
                args.comments,
                0.5,
                floor=False,
            )
        )
        f.report_round("nginx + 4 daphne", args.viewers, fan)
        print(
            f"[scale-out] {args.viewers} watchers and {args.voters} voters for {args.seconds:g} s ...",
            flush=True,
        )
        burst = asyncio.run(
            v.vote_round(
                "group commit",
                [server],
                setup["slug"],
                setup["keys"][1],
                setup["voter_sessions"],
                args.viewers,
                args.seconds,
            )
        )
        rss_daphne = process_rss(daphne_pids)
        rss_nginx = process_rss(nginx_pids(master.pid))
        u.stop(master)
        for p in procs:
            u.stop(p)
        floor_server = f.start_floor(tmp)
        print(f"[floor] {args.viewers} viewers, plain websockets broadcast ...", flush=True)
        floor = asyncio.run(
            f.fanout_round(
                [floor_server],
                [floor_server.proc.pid],
                args.viewers,
                "floor",
                "p",
                None,
                args.comments,
                0.5,
                floor=True,
            )
        )
        u.stop(floor_server.proc)
    finally:
        u.cleanup()
        u.redis_release_db(redis_db)
        u.pg_drop(db)
        tmp_dir.cleanup()

    print(
        f"\n=== Scale-out: nginx (docs/deploy.md) + {PROCESSES} Daphne + PostgreSQL + Redis, "
        f"{args.viewers} viewers over wss ==="
    )
    rows = [
        [
            "last viewer has the comment, ms median/p99",
            f"{u.ms(fan.median)}/{u.ms(fan.p99)}",
            f"{u.ms(floor.median)}/{u.ms(floor.p99)}",
        ],
        ["all viewers connected, s", f"{fan.connect_seconds:.1f}", f"{floor.connect_seconds:.1f}"],
        ["problems", "; ".join(fan.errors) or "none", "; ".join(floor.errors) or "none"],
    ]
    print(u.table(["", "nginx + 4 daphne", "naive floor (1 plain websockets process)"], rows))
    lat = burst.latencies
    print(
        f"vote burst, {args.voters} voters in a closed loop for {args.seconds:g} s while "
        f"{args.viewers} watch: {burst.rate:.0f} acks/s, ack ms median/p99 "
        f"{u.ms(u.median(lat)) if lat else '-'}/{u.ms(u.percentile(lat, 99)) if lat else '-'}, "
        f"errors {dict(burst.errors) or 0}, timeouts {burst.timeouts}, exact "
        f"{'yes' if burst.exact else 'NO'}, watchers' newest = API {burst.watchers_exact}/{burst.watchers}"
    )
    print(
        "RSS MB: daphne "
        + " / ".join(f"{kb / 1024:.0f}" for kb in rss_daphne)
        + "; nginx master + workers "
        + " / ".join(f"{kb / 1024:.0f}" for kb in rss_nginx)
    )
    print(
        f"\n(code {u.code_version()}; cores: {os.cpu_count()}; load average before "
        f"{load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; total {time.monotonic() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
