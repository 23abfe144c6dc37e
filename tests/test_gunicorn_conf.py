"""gunicorn.conf.py, the settings `make run` serves with, read as gunicorn reads them."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def test_defaults_listen_on_the_loopback_with_sync_workers(monkeypatch):
    for name in ("CAPINTRA_BIND", "CAPINTRA_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(CONF))
    assert conf["bind"] == "127.0.0.1:5000"
    assert conf["worker_class"] == "sync"
    assert conf["workers"] == 2
    assert "%(q)s" not in conf["access_log_format"]  # no query string (searched names)
    assert "%(r)s" not in conf["access_log_format"]


def test_a_started_worker_freezes_what_it_loaded():
    conf = runpy.run_path(str(CONF))
    assert gc.get_freeze_count() == 0
    try:
        conf["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
