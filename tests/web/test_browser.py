"""The pages in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) driven by Selenium against ``stridelab serve`` on a free port.

A clinician signs in, adds an athlete, uploads the shared 60 fps treadmill clip, follows the
analysis to its end, sees the annotated video play, the report, the findings and the files,
logs a workout and finds it in the history and on the athlete's page. Another clinician and
a runner, signed in in their own browsers, get 404 on every one of those pages and files,
and do not see the athlete. On a phone-sized screen the pages fit the width.

Every page visited is kept as a screenshot in ``$STRIDELAB_SCREENSHOTS`` (or a temporary
folder, printed), named ``<database>-<step>-<page>.png``.
"""

from __future__ import annotations

import base64
import os
import shutil
import time
from datetime import date
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("STRIDELAB_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("STRIDELAB_CHROMEDRIVER", "/usr/bin/chromedriver"))

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
    pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)",
                allow_module_level=True)
if not (CHROMEDRIVER.is_file() and os.access(CHROMEDRIVER, os.X_OK)):
    pytest.skip(f"no chromedriver at {CHROMEDRIVER} (Debian: apt-get install chromium-driver)",
                allow_module_level=True)

from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402
from web_support import PASSWORD  # noqa: E402

CLIP = "video/treadmill_side_60fps.mp4"
#: Seconds an analysis of the clip may take (about 30 s on two idle cores).
ANALYSIS_TIMEOUT_S = 240
FINAL = ("done", "failed", "cancelled")
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


# -- fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    """Where the screenshots go: ``$STRIDELAB_SCREENSHOTS`` or a temporary folder."""
    chosen = os.environ.get("STRIDELAB_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots: {folder}")
    return folder


class Browser:
    """One Chromium with its own profile (so its own cookies), and its screenshots."""

    def __init__(self, base: str, profile: Path, shots: Path, prefix: str,
                 phone: bool = False) -> None:
        options = Options()
        options.binary_location = str(CHROMIUM)
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--window-size=1280,1000",
                    "--autoplay-policy=no-user-gesture-required",
                    f"--user-data-dir={profile}"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        self.driver.set_page_load_timeout(60)
        self.driver.set_script_timeout(60)
        if phone:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
            self.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled",
                                        {"enabled": True})
        self.base, self.shots, self.prefix, self.profile = base, shots, prefix, profile
        self.taken: list[Path] = []

    # navigation and waiting
    def get(self, path: str) -> None:
        self.driver.get(self.base + path)
        self.wait_ready()

    def wait_ready(self, timeout: float = 30) -> None:
        WebDriverWait(self.driver, timeout).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def wait(self, condition, timeout: float = 30, message: str = ""):
        return WebDriverWait(self.driver, timeout).until(condition, message)

    def find(self, css: str):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    @property
    def path(self) -> str:
        return self.driver.current_url.removeprefix(self.base)

    def text(self) -> str:
        return self.find("body").text

    def status_of(self, path: str) -> int:
        """The HTTP status of a GET from this browser (its cookies), by ``fetch``."""
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {credentials: 'same-origin', redirect: 'manual'})"
            ".then(r => done(r.status), e => done(String(e)));", path)

    def console_errors(self) -> list[str]:
        """Errors the page's scripts or loads reported (CSP refusals included)."""
        return [e["message"] for e in self.driver.get_log("browser")
                if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]

    def overflow(self) -> int:
        """Pixels the page is wider than the screen (0: nothing to scroll sideways)."""
        return self.driver.execute_script(
            "return Math.max(0, document.documentElement.scrollWidth - window.innerWidth);")

    def shot(self, name: str, whole: bool = True) -> Path:
        """A screenshot of the whole page (or the window) as ``<prefix>-NN-name.png``.

        The whole page leaves out what out-of-process frames (the report) draw beyond the
        window: ``whole=False`` shows them.
        """
        path = self.shots / f"{self.prefix}-{len(self.taken) + 1:02d}-{name}.png"
        if not whole:
            self.driver.save_screenshot(str(path))
            self.taken.append(path)
            return path
        try:
            size = self.driver.execute_script(
                "return [document.documentElement.scrollWidth,"
                " Math.min(document.documentElement.scrollHeight, 6000), window.innerHeight];")
            if size[1] <= size[2]:  # it fits the window
                raise ValueError("no need")
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}})
            path.write_bytes(base64.b64decode(shot["data"]))
        except Exception:  # noqa: BLE001 - the window is what there is to see
            self.driver.save_screenshot(str(path))
        self.taken.append(path)
        return path

    # the site's forms
    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        self.get("/login")
        self.find('input[name="email"]').send_keys(email)
        self.find('input[name="password"]').send_keys(password)
        self.find('form[action="/login"] button[type="submit"]').click()
        self.wait(lambda d: "/login" not in d.current_url, message="sign-in did not leave /login")
        self.wait_ready()

    def quit(self) -> None:
        self.driver.quit()


@pytest.fixture
def browsers(live_server, screenshot_dir, tmp_path, request):
    """Open browsers on the live server: ``browsers("name", phone=False)``; all closed after."""
    database = request.node.callspec.params.get("db", "db")
    opened: list[Browser] = []

    def open_browser(name: str, phone: bool = False) -> Browser:
        profile = tmp_path / f"chromium-{name}"
        profile.mkdir()
        browser = Browser(live_server.url, profile, screenshot_dir, f"{database}-{name}",
                          phone=phone)
        opened.append(browser)
        return browser

    yield open_browser
    for browser in opened:
        browser.quit()
        shutil.rmtree(browser.profile, ignore_errors=True)


def _accounts(live_server):
    from stridelab.store.accounts import Accounts

    return Accounts(live_server.db)


def _assert_not_found(browser: Browser, path: str, secret: str) -> None:
    """The page is the 404 page and shows nothing of the other user's data."""
    browser.get(path)
    body = browser.text()
    assert "Not found" in body, f"{path} as another user: {body[:300]}"
    assert secret not in body and secret not in browser.driver.page_source, path
    assert browser.status_of(path) == 404, path


# -- the tests ---------------------------------------------------------------------------------

def test_a_clinician_uploads_a_clip_follows_it_sees_the_results_and_logs_a_workout(
        live_server, browsers, shared_file, screenshot_dir):
    clip = shared_file(CLIP)
    accounts = _accounts(live_server)
    accounts.add_user("coach@example.org", "Casey Coach", "clinician", PASSWORD)
    accounts.add_user("other@example.org", "Olive Other", "clinician", PASSWORD)
    runner_user = accounts.add_user("runner@example.org", "Robin Runner", "runner", PASSWORD)
    started = time.monotonic()

    coach = browsers("coach")
    coach.get("/")
    assert coach.path.startswith("/login"), "a visitor is sent to sign in"
    coach.shot("login")
    coach.sign_in("coach@example.org")
    assert coach.path == "/athletes"
    assert "Casey Coach" in coach.find("header").text
    coach.shot("athletes-empty")

    # add an athlete
    form = coach.find('form[action="/athletes"]')
    form.find_element(By.NAME, "name").send_keys("Ada Athlete")
    form.find_element(By.NAME, "height_cm").send_keys("178")
    form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
    coach.wait(lambda d: "/athletes/" in d.current_url)
    coach.wait_ready()
    athlete_path = coach.path
    athlete_id = int(athlete_path.rsplit("/", 1)[1])
    assert coach.find("h1").text == "Ada Athlete"
    coach.wait(lambda d: "Loading" not in d.find_element(By.CSS_SELECTOR, "[data-trends]").text)
    coach.shot("athlete-new")
    coach.get("/athletes")
    assert "Ada Athlete" in coach.text() and "178 cm" in coach.text()
    coach.shot("athletes-one")

    # upload the clip through the file input; the page's script posts it and moves on
    coach.get(f"{athlete_path}/upload")
    assert coach.find('input[name="height_cm"]').get_attribute("value") == "178"
    coach.find('input[type="file"]').send_keys(str(clip))
    coach.wait(lambda d: "treadmill_side_60fps.mp4" in d.find_element(
        By.CSS_SELECTOR, "[data-chosen]").text, message="the chosen file is not listed")
    coach.shot("upload")
    coach.find("form[data-upload] button[type=submit]").click()
    coach.wait(lambda d: "/analyses/" in d.current_url, 60, "the upload did not open the analysis")
    coach.wait_ready()
    analysis_path = coach.path
    analysis_id = int(analysis_path.rsplit("/", 1)[1])
    assert coach.find("h1").text == "treadmill_side_60fps.mp4"

    # the progress while it runs: state, stage, frames done of total, rate
    coach.shot("analysis-queued")

    def progress_or_end(driver):
        box = driver.find_element(By.CSS_SELECTOR, "[data-progress]")
        if box.get_attribute("data-status") in FINAL:
            return "ended"
        frames = box.find_elements(By.CSS_SELECTOR, "[data-frames]")
        return "running" if frames and "frames/s" in frames[0].text else None

    if coach.wait(progress_or_end, ANALYSIS_TIMEOUT_S, "no progress shown") == "running":
        shown = coach.find("[data-progress]").text
        assert "running" in shown and " of " in shown, shown
        coach.shot("analysis-running")
    coach.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-progress]").get_attribute(
        "data-status") in FINAL, ANALYSIS_TIMEOUT_S,
        "the analysis did not end (the page reloads itself when it does)")
    coach.wait_ready()
    analysed = time.monotonic()
    box = coach.find("[data-progress]")
    assert box.get_attribute("data-status") == "done", box.text

    # the annotated video loads and plays
    video = coach.wait(ec.presence_of_element_located((By.CSS_SELECTOR, "video.clip")))
    state = coach.driver.execute_async_script("""
        const video = arguments[0], done = arguments[arguments.length - 1];
        const report = () => done({ready: video.readyState, duration: video.duration,
                                   width: video.videoWidth,
                                   error: video.error && video.error.code});
        if (video.readyState >= 1) report();
        else { video.addEventListener("loadedmetadata", report);
               video.addEventListener("error", report); video.load(); }
        """, video)
    assert state["error"] is None and state["ready"] >= 1, state
    assert state["duration"] > 1 and state["width"] > 0, state
    coach.driver.execute_script("arguments[0].currentTime = arguments[0].duration / 2;", video)
    coach.wait(lambda d: d.execute_script("return arguments[0].readyState >= 2;", video))

    # findings, files and the report in its frame
    page = coach.text()
    assert "Findings" in page
    findings = coach.find_all("[data-findings] .finding")
    assert findings, "no finding listed"
    files = {a.text for a in coach.find_all(".files a")}
    downloads = [a.get_attribute("href").removeprefix(coach.base)
                 for a in coach.find_all(".files a")]
    assert {"annotated.mp4", "report.html", "summary.json", "findings.json",
            "treadmill_side_60fps.mp4"} <= files, files
    for name in ("summary.json", "annotated.mp4"):
        assert coach.status_of(f"/api/analyses/{analysis_id}/files/{name}") == 200
    frame = coach.find("iframe.report")
    coach.driver.execute_script("arguments[0].scrollIntoView();", frame)
    coach.driver.switch_to.frame(frame)
    coach.wait(lambda d: len(d.find_element(By.TAG_NAME, "body").text) > 200, 30,
               "the report frame is empty")
    report_text = coach.text()
    coach.driver.switch_to.default_content()
    coach.shot("analysis-report-frame", whole=False)
    assert "Cadence" in report_text or "cadence" in report_text, report_text[:500]
    coach.driver.execute_script("window.scrollTo(0, 0);")
    coach.shot("analysis-done")
    assert not coach.console_errors(), coach.console_errors()

    coach.get(f"/analyses/{analysis_id}/report")
    assert "cadence" in coach.text().lower()
    coach.shot("report")

    # log a workout (the form posts JSON) and find it in the history and on the athlete's page
    coach.get(f"{athlete_path}/workouts")
    assert "Nothing logged yet" in coach.text()
    coach.shot("workouts-empty")
    form = coach.find("form[data-workout]")
    select = Select(form.find_element(By.NAME, "exercise_id"))
    exercise = next(o for o in select.options if "calf" in o.text.lower())
    exercise_name = exercise.text
    select.select_by_value(exercise.get_attribute("value"))
    assert "Reps per set" in form.text, "the sets field is named for the exercise's unit"
    form.find_element(By.NAME, "reps").send_keys("12,12,10")
    form.find_element(By.NAME, "loads").send_keys("20")
    form.find_element(By.NAME, "rpe").send_keys("7")
    form.find_element(By.NAME, "note").send_keys("left side weaker")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    coach.wait(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-history] tbody tr")),
               30, "the workout is not in the history")
    coach.wait_ready()
    row = coach.find("[data-history] tbody tr").text
    assert date.today().isoformat() in row and exercise_name in row, row
    assert "12, 12, 10 reps × 20 kg" in row and row.split()[-1] == "7", row
    assert "left side weaker" in coach.find("[data-history]").text
    coach.shot("workouts-logged")

    coach.get(athlete_path)
    page = coach.text()
    assert "treadmill_side_60fps.mp4" in page and exercise_name in page, page
    assert "Week 1 of" in page, "the program's current week"
    coach.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-trends] .tile"), 30,
               "no measure under Trends")
    assert "Cadence" in coach.find("[data-trends]").text
    coach.shot("athlete-after")
    # the chart drawn once there are several analyses (app.js's own function, fed two points)
    drawn = coach.driver.execute_script("""
        const box = chart({label: "Cadence (steps/min)", points: [
          {t: 1767225600, value: 166.2, error: 2.5}, {t: 1769904000, value: 171.4, error: 2.5}]});
        document.querySelector("[data-trends]").replaceChildren(box);
        const line = box.querySelector("polyline").getAttribute("points").split(" ");
        return {points: line.length, text: box.textContent,
                finite: line.every(p => p.split(",").every(v => Number.isFinite(Number(v))))};""")
    assert drawn["points"] == 2 and drawn["finite"], drawn
    # the latest value with no more digits than its error allows: 171.4 ± 2.5 -> "171 ± 3"
    assert drawn["text"].endswith("171 ± 32026-01-01 … 2026-02-012 values"), drawn
    assert not coach.console_errors(), coach.console_errors()

    # another clinician and a runner see none of it
    private = [athlete_path, analysis_path, f"/analyses/{analysis_id}/report",
               f"/analyses/{analysis_id}/video", f"{athlete_path}/workouts",
               f"{athlete_path}/upload"]
    api = [f"/api/athletes/{athlete_id}", f"/api/analyses/{analysis_id}",
           f"/api/analyses/{analysis_id}/files/summary.json",
           f"/api/analyses/{analysis_id}/events", f"/api/athletes/{athlete_id}/workouts",
           f"/api/athletes/{athlete_id}/trends"]
    other = browsers("other")
    other.sign_in("other@example.org")
    assert other.path == "/athletes"
    assert "Ada Athlete" not in other.text() and "No athletes yet" in other.text()
    other.shot("athletes")
    for i, path in enumerate(private):
        _assert_not_found(other, path, "Ada Athlete" if i != 3 else "ftyp")
        if i in (0, 1):
            other.shot("not-found-athlete" if i == 0 else "not-found-analysis")
    for path in api + downloads:
        assert other.status_of(path) == 404, path

    runner = browsers("runner")
    runner.sign_in("runner@example.org")
    own = accounts.own_athlete(runner_user)
    assert runner.path == f"/athletes/{own.id}", "a runner lands on their own page"
    assert runner.find("h1").text == "Robin Runner"
    assert "Athletes" not in runner.find("header nav").text
    runner.shot("own-page")
    for path in private[:3]:
        _assert_not_found(runner, path, "Ada Athlete")
    for path in api + downloads:
        assert runner.status_of(path) == 404, path
    runner.get("/athletes")
    assert "Ada Athlete" not in runner.text()

    # a phone: every page fits the width
    phone = browsers("phone", phone=True)
    phone.sign_in("coach@example.org")
    for name, path in (("athletes", "/athletes"), ("athlete", athlete_path),
                       ("upload", f"{athlete_path}/upload"), ("analysis", analysis_path),
                       ("workouts", f"{athlete_path}/workouts")):
        phone.get(path)
        if name == "athlete":
            phone.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-trends] .tile"), 30)
        assert phone.driver.execute_script("return window.innerWidth") == PHONE["width"]
        phone.shot(f"phone-{name}")
        assert phone.overflow() == 0, f"{path} is {phone.overflow()} px too wide on a phone"
    print(f"analysis {analysed - started:.0f} s; whole journey "
          f"{time.monotonic() - started:.0f} s; screenshots in {screenshot_dir}")


def test_the_first_account_is_made_in_the_browser_and_a_wrong_password_is_refused(
        live_server, browsers):
    browser = browsers("setup")
    browser.get("/")
    assert browser.path == "/setup", "with no account, the first visit makes the admin"
    browser.shot("setup")
    form = browser.find('form[action="/setup"]')
    form.find_element(By.NAME, "email").send_keys("admin@example.org")
    form.find_element(By.NAME, "name").send_keys("Alex Admin")
    form.find_element(By.NAME, "password").send_keys(PASSWORD)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    browser.wait(lambda d: "/setup" not in d.current_url)
    browser.wait_ready()
    assert browser.path == "/athletes" and "Alex Admin" in browser.find("header").text
    browser.get("/account")
    assert "Accounts" in browser.text() and "admin@example.org" in browser.text()
    browser.shot("account")
    # sign out, then a wrong password
    browser.find('form[action="/logout"] button').click()
    browser.wait(lambda d: "/login" in d.current_url)
    browser.wait_ready()
    assert browser.status_of("/api/me") == 401
    browser.find('input[name="email"]').send_keys("admin@example.org")
    browser.find('input[name="password"]').send_keys("not the password")
    browser.find('form[action="/login"] button[type="submit"]').click()
    browser.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "p.error"))
    assert "Wrong e-mail address or password" in browser.text()
    assert browser.find('input[name="email"]').get_attribute("value") == "admin@example.org"
    browser.shot("login-refused")
