"""What `make loadtest`, `make bench` and `make faulttest` share: a throwaway PostgreSQL database,
production-like settings for it, and gunicorn serving it on 127.0.0.1 for as long as a `with`
block lasts. For the fault test, also a private PostgreSQL server of its own (which it may stop
and restart without harming anyone) and a gunicorn it can kill pieces of."""

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


class NeedsPostgres(Exception):
    pass


def _server_url() -> str:
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if urllib.parse.urlsplit(server).scheme not in ("postgres", "postgresql"):
        raise NeedsPostgres("DATABASE_URL: this needs PostgreSQL")
    return server


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(_server_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scratch_database(name: str) -> tuple[str, str]:
    """(server URL, URL of a new empty database `name` on it), dropping any old one first."""
    import psycopg

    server = _server_url()
    drop_database(name)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(server)
    return server, urllib.parse.urlunsplit(parts._replace(path="/" + name))


def production_env(db_url: str, **extra: str) -> dict:
    """DEBUG off with a fresh key, as in production, but plain HTTP on 127.0.0.1."""
    return {
        **os.environ, "DATABASE_URL": db_url, "DEBUG": "False", "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "False", "SECURE_COOKIES": "False", "SECURE_HSTS_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings", **extra,
    }


def migrate_and_collect(env: dict) -> None:
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=PROJECT, env=env, check=True,
                       stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def gunicorn(env: dict, port: int, workers: int):
    """gunicorn on 127.0.0.1:`port`; yields its base URL once it answers, stops it afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"],
        cwd=PROJECT, env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):
            # A gunicorn that could not bind (the port is taken) has exited: never measure
            # whatever else answers on that port.
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {process.returncode}; is port {port} taken?")
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
                break
            except OSError:
                time.sleep(1)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


# --- For `make faulttest` ---------------------------------------------------------------------


def _port_in_use(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def postgres_bindir() -> Path:
    """The directory holding initdb and pg_ctl: `pg_config --bindir`, else the newest
    /usr/lib/postgresql/*/bin. (pg_config alone, from libpq-dev, points at /usr/bin, which has no
    server binaries: hence the check for both.)"""
    candidates = []
    if pg_config := shutil.which("pg_config"):
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(Path(out.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass

    def version(path: Path) -> tuple:
        return tuple(int(p) for p in path.parent.name.split(".") if p.isdigit())

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    raise NeedsPostgres(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: neither in `pg_config --bindir` "
        "nor in /usr/lib/postgresql/*/bin"
    )


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary directory, for one process's own use: stopping it or
    restarting it harms nobody. Made by private_postgres()."""

    def __init__(self, bindir: Path, directory: Path, port: int, as_postgres: bool):
        self.bindir, self.directory, self.port, self.as_postgres = bindir, directory, port, as_postgres
        self.data = directory / "data"
        self.log = directory / "postgres.log"
        self.url = f"postgres://postgres@127.0.0.1:{port}/postgres"

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / program), *args]
        # PostgreSQL refuses to run as root: as root, run it as the postgres user.
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Output captured, not inherited: with -l the server writes to its log file, so nothing
        # keeps our pipes open and run() returns as soon as pg_ctl does.
        result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{program} {' '.join(args[-1:])} failed ({result.returncode}): "
                f"{(result.stdout + result.stderr).strip()}\n{self.log_tail()}"
            )
        return result

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "postgres.log:\n" + "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def _pg_ctl(self, action: str, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                   f"-c unix_socket_directories='{self.directory}'")
        return self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                         "-o", options, *extra, action, check=check)

    def initdb(self) -> None:
        # --no-sync: a throwaway cluster need not wait for the disk at creation.
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C", "--no-sync")

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0


@contextlib.contextmanager
def private_postgres(port: int = 5499):
    """A fresh PostgreSQL cluster (initdb -A trust -U postgres, UTF8) in a temporary directory,
    listening on 127.0.0.1:`port` with its unix socket in that directory; yields a PrivatePostgres
    (url, restart(), stop(), start()). Always stopped and removed at exit. Raises NeedsPostgres,
    with one line saying what is missing, when it cannot be made here."""
    bindir = postgres_bindir()
    as_postgres = os.geteuid() == 0
    if as_postgres:
        if shutil.which("runuser") is None:
            raise NeedsPostgres("running as root, PostgreSQL must run as another user, but `runuser` is missing")
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            raise NeedsPostgres("running as root, PostgreSQL must run as the `postgres` user, which does not exist") from None
    if _port_in_use(port):
        raise NeedsPostgres(f"port {port} on 127.0.0.1 is already in use: the private PostgreSQL needs a free port (faulttest: --pg-port)")
    directory = Path(tempfile.mkdtemp(prefix="faulttest-pg-"))
    server = PrivatePostgres(bindir, directory, port, as_postgres)
    try:
        if as_postgres:
            os.chown(directory, account.pw_uid, account.pw_gid)
        server.initdb()
        server.start()
        yield server
    finally:
        with contextlib.suppress(Exception):
            if server.data.exists() and server.running():
                server._run("pg_ctl", "-D", str(server.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(directory, ignore_errors=True)


class GunicornServer:
    """gunicorn on 127.0.0.1:`port` that a fault test can hurt: its output appended to `log_path`,
    the master's and the workers' pids, SIGKILL of a worker, SIGTERM of the master, and a start
    again on the same port. Timeouts are left to gunicorn.conf.py (graceful_timeout above all),
    which gunicorn reads from the project directory: the test exercises the configuration that
    production runs."""

    def __init__(self, env: dict, port: int, workers: int, log_path: Path):
        self.env, self.port, self.workers, self.log_path = env, port, workers, Path(log_path)
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    @property
    def master_pid(self) -> int | None:
        return self.process.pid if self.process and self.process.poll() is None else None

    def worker_pids(self) -> list[int]:
        """The master's children: from /proc, else from ps."""
        master = self.master_pid
        if master is None:
            return []
        pids: set[int] = set()
        try:
            for children in Path(f"/proc/{master}/task").glob("*/children"):
                pids.update(int(p) for p in children.read_text().split())
            return sorted(pids)
        except OSError:
            out = subprocess.run(["ps", "--ppid", str(master), "-o", "pid="], capture_output=True, text=True)
            return sorted(int(p) for p in out.stdout.split())

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset: int) -> list[str]:
        with open(self.log_path, "rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace").splitlines()

    def start(self, timeout: float = 60) -> float:
        """Start gunicorn; return once it listens with all its workers forked and has answered one
        HTTP request (any status: the database may be down on purpose). Returns the seconds until
        it listened."""
        started = time.monotonic()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(self.workers),
                 "--bind", f"127.0.0.1:{self.port}"],
                cwd=PROJECT, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        deadline = started + timeout
        listening = None
        while time.monotonic() < deadline:
            # A gunicorn that could not bind (the port is taken) has exited: never measure
            # whatever else answers on that port.
            if self.process.poll() is not None:
                tail = "\n".join(self.log_since(0)[-10:])
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}; is port "
                                   f"{self.port} taken?\n{tail}")
            if listening is None:
                if _port_in_use(self.port) and len(self.worker_pids()) >= self.workers:
                    listening = time.monotonic() - started
                else:
                    time.sleep(0.1)
                    continue
            # Clients may be queueing on the port already (a restart under load): wait our turn.
            try:
                urllib.request.urlopen(self.base + "/accounts/login/", timeout=max(1, deadline - time.monotonic())).read()
                return listening
            except urllib.error.HTTPError:
                return listening
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer on port {self.port} within {timeout:g} s")

    def kill_worker(self, rng) -> int:
        """SIGKILL one worker chosen with `rng`, as the OOM killer would; returns its pid."""
        pids = self.worker_pids()
        if not pids:
            raise RuntimeError("gunicorn has no worker to kill")
        pid = rng.choice(pids)
        os.kill(pid, signal.SIGKILL)
        return pid

    def terminate(self, timeout: float = 120) -> float:
        """SIGTERM the master, as a deploy or the orchestrator does, and wait for it to exit: its
        workers finish the requests they hold first (graceful_timeout). Returns the seconds it
        took; SIGKILLs it if it outlives `timeout`."""
        if self.master_pid is None:
            return 0.0
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        return time.monotonic() - started


@contextlib.contextmanager
def gunicorn_server(env: dict, port: int, workers: int, log_path: Path):
    """A started GunicornServer; stopped (SIGTERM, then SIGKILL) when the block ends."""
    server = GunicornServer(env, port, workers, log_path)
    try:
        server.start()
        yield server
    finally:
        if server.master_pid is not None:
            server.terminate(timeout=60)
