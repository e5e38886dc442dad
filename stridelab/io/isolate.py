"""Run a native decoder in a child process, where a crash cannot take the caller down.

C3D files are decoded by ezc3d (C++) and FIT files by fitfast (Rust). A corrupt file can make
them crash (a segmentation fault in ezc3d; a panic in fitfast, which Python sees as a
``BaseException``), loop, or allocate without end. :func:`decode_isolated` runs the decoding
step in a child Python process with a memory limit (``RLIMIT_AS``), a CPU-time limit and a
wall-clock timeout; whatever goes wrong there becomes a one-line
:class:`~stridelab.errors.DecoderError` naming the file.

The child is a plain ``python -c`` process, not a ``multiprocessing`` one (which would import
the caller's ``__main__``: the whole CLI). It speaks length-prefixed pickles over its stdin and
stdout (POSIX pipes), and imports little besides the decoder, so it starts in ~0.15 s. One child
serves one call and is ended after it; inside :func:`decoder_session` one child serves every call
(a whole import) and is replaced after a failure. No child outlives its caller: it is ended with
the call or the session, ends itself when its parent is gone (its stdin closes), and is killed
by its CPU-time limit if it loops.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

from stridelab.errors import DecoderError, StridelabError

BASE_TIMEOUT_S = 30.0
"""Wall-clock time a decoder gets for any file, plus :data:`TIMEOUT_S_PER_MB`."""
TIMEOUT_S_PER_MB = 2.0
"""Extra decoding time per MB of file (ezc3d reads ~8 MB/s, fitfast far faster)."""
BASE_MEMORY_MB = 1024
"""Address space a decoder child gets for any file, plus :data:`MEMORY_PER_FILE_BYTE`."""
MEMORY_PER_FILE_BYTE = 100
"""Extra address space per byte of file (ezc3d peaks at ~50x the C3D's size)."""

_CHILD_CODE = "from stridelab.io.isolate import serve; serve()"
_SIGNAL_WORDS = {
    signal.SIGSEGV: "segmentation fault",
    signal.SIGBUS: "bus error",
    signal.SIGABRT: "aborted",
    signal.SIGFPE: "arithmetic fault",
    signal.SIGILL: "illegal instruction",
    signal.SIGKILL: "killed, perhaps for want of memory",
}
if hasattr(signal, "SIGXCPU"):
    _SIGNAL_WORDS[signal.SIGXCPU] = "CPU time limit reached"


@dataclass(frozen=True)
class Limits:
    """What one decoding may use.

    Attributes
    ----------
    timeout_s
        Wall-clock seconds before the child is killed.
    memory_bytes
        Address space the child may map (``RLIMIT_AS``).
    """

    timeout_s: float
    memory_bytes: int


def decoder_limits(size_bytes: int) -> Limits:
    """The limits for decoding a file of ``size_bytes``.

    ``STRIDELAB_DECODER_TIMEOUT_S`` and ``STRIDELAB_DECODER_MEMORY_MB`` override them.

    Parameters
    ----------
    size_bytes
        Size of the file to decode.

    Raises
    ------
    StridelabError
        When a setting in the environment is not a positive number.
    """
    timeout = _setting("STRIDELAB_DECODER_TIMEOUT_S")
    memory = _setting("STRIDELAB_DECODER_MEMORY_MB")
    return Limits(
        timeout_s=timeout or BASE_TIMEOUT_S + TIMEOUT_S_PER_MB * size_bytes / 1e6,
        memory_bytes=int(memory * 2**20) if memory
        else BASE_MEMORY_MB * 2**20 + MEMORY_PER_FILE_BYTE * size_bytes,
    )


def _setting(name: str) -> float | None:
    """A positive number from the environment, ``None`` when unset."""
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise StridelabError(f"{name} must be a positive number, got {text!r}")
    return value


class _ChildGoneError(Exception):
    """The child ended or was ended before it replied; the argument says why."""


class _Child:
    """One decoder process and the two pipes to it."""

    def __init__(self) -> None:
        req_read, req_write = os.pipe()
        rep_read, rep_write = os.pipe()
        self.errors = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _CHILD_CODE], stdin=req_read, stdout=rep_write,
                stderr=self.errors, env=_child_env(), close_fds=True)
        finally:
            os.close(req_read)
            os.close(rep_write)
        self.requests, self.replies = req_write, rep_read

    def call(self, target: str, args: tuple, limits: Limits) -> tuple[str, Any]:
        """Run ``target(*args)`` in the child; ``(status, value)`` as :func:`_run` gives."""
        try:
            _write_message(self.requests, (target, args, limits))
            ready, _, _ = select.select([self.replies], [], [], limits.timeout_s)
            if not ready:
                self.end()
                raise _ChildGoneError(
                    f"the decoder did not finish within {limits.timeout_s:.0f} s")
            return _read_message(self.replies)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            raise _ChildGoneError(self._death()) from exc

    def _death(self) -> str:
        """Why the child is gone, once it is."""
        code = self._stop()
        if code < 0:
            sig = -code
            return f"decoder crashed: {_SIGNAL_WORDS.get(sig) or _signal_name(sig)}"
        self.errors.seek(0)
        lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        last = f": {lines[-1][:200]}" if lines else ""
        return f"decoder process failed (exit code {code}){last}"

    def alive(self) -> bool:
        """Whether the child still runs."""
        return self.proc.poll() is None

    def end(self) -> None:
        """End the child now: it holds nothing worth a graceful exit."""
        self._stop()
        self.errors.close()

    def _stop(self) -> int:
        """Close the pipes, kill the child if it still runs; its exit code."""
        for fd in (self.requests, self.replies):
            if fd >= 0:
                os.close(fd)
        self.requests = self.replies = -1  # closed: the numbers may soon name other files
        if self.proc.poll() is None:
            self.proc.kill()
        return self.proc.wait()


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


def _child_env() -> dict[str, str]:
    """The caller's environment, with this stridelab importable and single-threaded maths."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"  # BLAS threads reserve address space the memory limit counts
    env["RUST_BACKTRACE"] = "0"
    return env


_lock = threading.Lock()
_session: dict[str, Any] = {"depth": 0, "child": None}


@contextmanager
def decoder_session() -> Iterator[None]:
    """Keep one decoder child for every decoding inside the block (an import of many files).

    Without a session each decoding starts a child (~0.2 s) and ends it. The child is ended
    when the outermost session ends.
    """
    with _lock:
        _session["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _session["depth"] -= 1
            if _session["depth"] == 0 and _session["child"] is not None:
                _session["child"].end()
                _session["child"] = None


def decode_isolated(target: str, args: tuple, name: str | Path, size_bytes: int) -> Any:
    """Call ``target(*args)`` in a decoder child and return its result.

    Parameters
    ----------
    target
        ``"module:function"``, importable in a fresh interpreter; its arguments and result
        must pickle.
    args
        The arguments.
    name
        The file being decoded, named in messages.
    size_bytes
        The file's size, which sets the limits (:func:`decoder_limits`).

    Raises
    ------
    DecoderError
        When the decoder crashed, ran out of time or memory, or failed unexpectedly.
    StridelabError
        As ``target`` raised it.
    """
    limits = decoder_limits(size_bytes)
    child = _take()
    reusable = False
    try:
        status, value = child.call(target, args, limits)
        reusable = status in ("ok", "error")
    except _ChildGoneError as gone:
        raise DecoderError(name, f"cannot be read ({gone})") from None
    finally:
        _give_back(child, reusable)
    return _outcome(status, value, name, limits)


def _take() -> _Child:
    """The session's idle child, or a new one."""
    with _lock:
        child, _session["child"] = _session["child"], None
    if child is not None and child.alive():
        return child
    if child is not None:
        child.end()
    return _Child()


def _give_back(child: _Child, reusable: bool) -> None:
    """Park ``child`` for the session's next call, or end it."""
    with _lock:
        if reusable and _session["depth"] and _session["child"] is None:
            _session["child"] = child
            return
    child.end()


def _outcome(status: str, value: Any, name: str | Path, limits: Limits) -> Any:
    if status == "ok":
        return value
    if status == "error":
        raise value
    if status == "import":
        raise ImportError(value)
    if status == "memory":
        raise DecoderError(name, f"cannot be read (the decoder ran out of memory at "
                                 f"{limits.memory_bytes / 2**20:.0f} MB: a damaged header may "
                                 "announce more data than the file holds)")
    if status == "crashed":
        raise DecoderError(name, f"cannot be read (decoder crashed: {value})")
    raise DecoderError(name, f"cannot be read ({value})")


def serve() -> None:
    """The child's loop: run requests from stdin, reply on stdout, until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to answer
    replies = os.dup(1)
    os.dup2(2, 1)  # what a decoder prints goes to the error log, not into the replies
    _set_limit("RLIMIT_CORE", 0)  # a crash leaves no core file behind
    while True:
        try:
            target, args, limits = _read_message(0)
        except EOFError:  # the parent is done, or gone
            return
        _set_limit("RLIMIT_AS", limits.memory_bytes)
        _set_limit("RLIMIT_CPU", int(_cpu_used() + limits.timeout_s) + 2)
        try:
            _write_bytes(replies, _pickled_reply(_run(target, args)))
        except OSError:  # the parent is gone
            return


_HEADER = struct.Struct("!Q")
"""Each message: its length, then its pickle."""


def _write_message(fd: int, message: Any) -> None:
    _write_bytes(fd, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _write_bytes(fd: int, data: bytes) -> None:
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read_message(fd: int) -> Any:
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size))
    return pickle.loads(_read_exact(fd, size))


def _read_exact(fd: int, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = os.read(fd, min(size - len(data), 1 << 20))
        if not chunk:
            raise EOFError("pipe closed")
        data += chunk
    return bytes(data)


def _pickled_reply(reply: tuple[str, Any]) -> bytes:
    """``reply`` pickled, or a ``failed`` one when it does not pickle (a bug, so reported)."""
    try:
        return pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        failed = ("failed", f"result not transferable ({type(exc).__name__})")
        return pickle.dumps(failed, protocol=pickle.HIGHEST_PROTOCOL)


def _run(target: str, args: tuple) -> tuple[str, Any]:
    """Call ``target(*args)``; its outcome as ``(status, value)``.

    ``ok`` and the result, ``error`` and a StridelabError, ``import``, ``memory``, ``crashed``
    (a Rust panic) or ``failed``, with a one-line reason.
    """
    module, _, function = target.partition(":")
    try:
        return "ok", getattr(import_module(module), function)(*args)
    except StridelabError as exc:
        return "error", exc
    except ImportError as exc:
        return "import", str(exc)
    except MemoryError:
        return "memory", ""
    except Exception as exc:
        if "bad_alloc" in str(exc):  # C++ allocation failure, as ezc3d passes it on
            return "memory", ""
        return "failed", _one_line(exc)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # pyo3's PanicException: a Rust panic
        return "crashed", _one_line(exc)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _set_limit(name: str, soft: int) -> None:
    try:
        import resource
    except ImportError:  # not POSIX: the timeout alone guards
        return
    kind = getattr(resource, name, None)
    if kind is None:
        return
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    try:
        resource.setrlimit(kind, (soft, hard))
    except (ValueError, OSError):
        pass


def _cpu_used() -> float:
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
