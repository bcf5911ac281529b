"""Debian's chromium, headless, driven over the DevTools protocol through a pipe (standard library only).

`--remote-debugging-pipe` makes Chromium read protocol commands from fd 3 and write replies and events to fd
4, each a JSON text ended by a NUL byte: no WebSocket client and no open debugging port are needed. Every
host name resolves to nothing except 127.0.0.1, and every request that would leave the machine goes to a
proxy on a port nothing listens on, so a page that still needs the internet fails in the test.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from typing import Any

import pytest

INSTALL_HINT = "chromium not found; run `bash scripts/ensure-chromium.sh` and retry"
OFFLINE_FLAGS = ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                 "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1")


def installed() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromium_path() -> str:
    found = installed()
    if found is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    return found


class Browser:
    """One headless Chromium; `page()` opens a tab that records console errors and failed requests."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="semantic-chromium-")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def wire_pipes() -> None:  # in the child, before exec: the protocol's fixed descriptors 3 and 4
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        command = [chromium_path(), "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                   f"--user-data-dir={self.profile}", "--no-first-run", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--disable-extensions", "--mute-audio",
                   "--window-size=1280,900", *OFFLINE_FLAGS, "about:blank"]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, close_fds=False, preexec_fn=wire_pipes)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._next_id = 0
        self._replies: dict[int, dict] = {}
        self.events: list[dict] = []
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._from_browser, 1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            with self._arrived:
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        self._replies[message["id"]] = message
                    else:
                        self.events.append(message)
                self._arrived.notify_all()

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 15) -> dict:
        """One command; its result, or AssertionError with the protocol's error message."""
        with self._arrived:
            self._next_id += 1
            ident = self._next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        with self._arrived:
            if not self._arrived.wait_for(lambda: ident in self._replies, timeout):
                raise AssertionError(f"no answer to {method} within {timeout} s")
            reply = self._replies.pop(ident)
        assert "error" not in reply, f"{method}: {reply['error']}"
        return reply["result"]

    def page(self, url: str) -> "Page":
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        return page

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (AssertionError, OSError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        self._reader.join(timeout=5)  # the browser is gone: its end of the pipe is closed, the reader sees EOF
        if not self._reader.is_alive():
            os.close(self._from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, session=self.session)

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 10) -> Any:
        """Poll a JavaScript expression until it is truthy; its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"still false after {timeout} s: {expression}")

    def mark(self) -> int:
        """A point in this browser's events; `problems(since=mark)` looks only at what came after."""
        return len(self.browser.events)

    def problems(self, since: int = 0) -> list[str]:
        """Console errors, uncaught exceptions, log errors and failed requests seen in this tab."""
        found = []
        for event in self.browser.events[since:]:
            if event.get("sessionId") != self.session:
                continue
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                found.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                found.append("exception: " + params["exceptionDetails"].get("text", ""))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append("log: " + params["entry"]["text"])
            elif method == "Network.loadingFailed":
                found.append("request failed: " + params.get("errorText", ""))
        return found

    def screenshot(self) -> bytes:
        """The visible page as PNG, at a quarter of its size (enough to tell content from a blank page)."""
        clip = {"x": 0, "y": 0, "width": 1280, "height": 900, "scale": 0.25}
        return base64.b64decode(self.send("Page.captureScreenshot", {"format": "png", "clip": clip})["data"])
