"""Open an HTML report in a real headless browser (Chromium) as a student would, on a phone and on a laptop,
and check it: it loads with no console error and no request to the network, nothing is wider than the
screen, and every figure renders (a screenshot of it that is not blank).

    python -m tests.report_check runs/lab/index.html      (CI runs it on `ember lab --quick`'s report)
    python -m tests.report_check REPORT.html --screenshots DIR   also saves what each screen shows, a PNG a section

The browser is driven through the Chrome DevTools Protocol over a pipe (--remote-debugging-pipe: JSON
messages ending in a NUL byte, on file descriptors 3 and 4), so no package beyond the standard library
and matplotlib (to read the screenshots) is needed.
"""

import base64
import fcntl
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

SCREENS = {"phone": dict(width=390, height=844, mobile=True), "laptop": dict(width=1280, height=800, mobile=False)}
FIGURES = """JSON.stringify({wide: document.documentElement.scrollWidth > window.innerWidth + 1,
  images: [...document.images].map(i => { const r = i.getBoundingClientRect();
    return {alt: i.alt, loaded: i.complete && i.naturalWidth > 0, x: r.left + scrollX, y: r.top + scrollY,
            width: r.width, height: r.height}; }),
  sections: [document.querySelector("h1"), ...document.querySelectorAll("section")].filter(Boolean).map(s => {
    const r = s.getBoundingClientRect();
    return {name: s.id || "top", x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; })})"""


def browser():
    """The path of a Chromium (or Chrome) binary, or None."""
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


class DevTools:
    """A headless browser and one page in it, spoken to over the DevTools pipe."""

    def __init__(self, binary, timeout=60):
        self.timeout, self.next_id, self.events, self.buffer = timeout, 0, [], b""
        commands_read, self.commands = os.pipe()
        self.replies, replies_write = os.pipe()
        self.profile = tempfile.mkdtemp(prefix="ember-report-check-")

        def onto_3_and_4():  # in the child, before the browser starts: it reads commands on fd 3, replies on fd 4
            read, write = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands_read, replies_write))
            os.dup2(read, 3)
            os.dup2(write, 4)

        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--remote-debugging-pipe", f"--user-data-dir={self.profile}", "about:blank"],
            close_fds=False, preexec_fn=onto_3_and_4, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(commands_read)
        os.close(replies_write)
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            self.call(f"{domain}.enable", session=True)

    def _message(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.replies, 1 << 20)
            if not chunk:
                raise RuntimeError("the browser closed its pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, session=False, **params):
        """Send a command and return its result; events that come meanwhile are kept in self.events."""
        self.next_id += 1
        request = {"id": self.next_id, "method": method, "params": params}
        if session:
            request["sessionId"] = self.session
        os.write(self.commands, json.dumps(request).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            message = self._message()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)
        raise TimeoutError(f"{method}: no answer within {self.timeout} s")

    def wait_for(self, method):
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == method for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {self.timeout} s")
            self.events.append(self._message())

    def close(self):
        self.process.kill()
        self.process.wait()
        os.close(self.commands)
        os.close(self.replies)
        shutil.rmtree(self.profile, ignore_errors=True)


def problems_in(events, page_url):
    """Console errors, uncaught exceptions, failed loads and requests that leave the page."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append(f"uncaught exception: {params['exceptionDetails'].get('text')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append(f"console error: {[a.get('value') for a in params.get('args', [])]}")
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            found.append(f"error logged: {params['entry'].get('text')}")
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not (url.startswith("data:") or url == page_url):
                found.append(f"request outside the page: {url[:100]}")
    return found


def blank(png):
    """Whether a screenshot shows (almost) nothing: one flat colour."""
    import matplotlib.image
    levels = (matplotlib.image.imread(io.BytesIO(png))[..., :3] * 15).round().astype(int)  # 16 levels a channel
    colours = np.unique(levels[..., 0] * 256 + levels[..., 1] * 16 + levels[..., 2])
    return float(levels.std()) < 0.3 or len(colours) < 4


def check(path, screenshots=None):
    """Every problem found in the report at path, on each screen (an empty list: all is well). With a folder
    for screenshots, each screen's view of the heading and of each section is saved there as a PNG."""
    binary = browser()
    if binary is None:
        raise FileNotFoundError("no Chromium found: install Debian's chromium package (apt-get install chromium)")
    url = pathlib.Path(path).resolve().as_uri()
    found = []
    for screen, metrics in SCREENS.items():
        tools = DevTools(binary)
        try:
            tools.call("Emulation.setDeviceMetricsOverride", session=True, deviceScaleFactor=1, **metrics)
            tools.call("Page.navigate", session=True, url=url)
            tools.wait_for("Page.loadEventFired")
            page = json.loads(tools.call("Runtime.evaluate", session=True, expression=FIGURES,
                                         returnByValue=True)["result"]["value"])
            found += [f"{screen}: {p}" for p in problems_in(tools.events, url)]
            found += [f"{screen}: the page is wider than the screen"] if page["wide"] else []
            if not page["images"]:
                found.append(f"{screen}: the report has no figures")
            for image in page["images"]:
                found += [f"{screen}: {p}: {image['alt']!r}" for p in _figure_problems(tools, image)]
            if screenshots is not None:
                _save_sections(tools, page["sections"], screen, screenshots)
        finally:
            tools.close()
    return found


def _figure_problems(tools, image):
    if not image["loaded"]:
        return ["figure did not load"]
    if image["width"] < 50 or image["height"] < 50:
        return [f"figure is {image['width']:.0f}×{image['height']:.0f} pixels"]
    tools.call("Runtime.evaluate", session=True, expression=f"window.scrollTo(0, {image['y']})")
    clip = {key: image[key] for key in ("x", "y", "width", "height")}
    shot = tools.call("Page.captureScreenshot", session=True, format="png", clip={**clip, "scale": 1})
    return ["figure renders blank"] if blank(base64.b64decode(shot["data"])) else []


def _save_sections(tools, sections, screen, folder):
    """A screenshot of each section as the screen shows it (the heading: its first screenful)."""
    os.makedirs(folder, exist_ok=True)
    for number, section in enumerate(sections):
        height = SCREENS[screen]["height"] if section["name"] == "top" else section["height"]
        clip = {"x": 0, "y": section["y"], "width": SCREENS[screen]["width"], "height": height, "scale": 1}
        shot = tools.call("Page.captureScreenshot", session=True, format="png", clip=clip, captureBeyondViewport=True)
        with open(os.path.join(folder, f"{screen}-{number:02d}-{section['name']}.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))


def main(argv):
    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "--screenshots"):
        print("usage: python -m tests.report_check REPORT.html [--screenshots DIR]", file=sys.stderr)
        return 2
    found = check(argv[0], argv[2] if len(argv) == 3 else None)
    for problem in found:
        print(problem)
    print(f"{argv[0]}: " + ("fine on a phone and a laptop" if not found else f"{len(found)} problems"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
