#!/usr/bin/python3
"""browser_test.py - the browser app in a real Chromium (Debian's chromium and
chromium-driver through python3-selenium, headless), against the real regied.

Logs in as each role and sees what that role may see and nothing else (a case
of another region absent from the lists and `not found` by URL), takes a step
through a form generated from the op table and sees it appear in another
role's open page without a reload, sees a stagnation alert arrive live and
acknowledges it, sees the manager's charts drawn.  A screenshot of every page
goes to build/browser/ for a person to look at.  Prints PASS:/FAIL: lines.
"""
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import http_test as H  # noqa: E402  (the engine and HTTP helpers)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
SHOTS = os.path.join(ROOT, "build", "browser")
WAIT = 30          # the longest any page may take to show what it should (a loaded machine)


def browser(profile):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
              "--window-size=1280,1000", "--user-data-dir=" + profile, "--lang=nl-NL"]:
        o.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def wait(d, fn, what):
    def safe(d):
        try:
            return fn(d)
        except StaleElementReferenceException:      # the page was redrawn meanwhile: look again
            return None
    try:
        return WebDriverWait(d, WAIT, poll_frequency=0.1).until(safe)
    except Exception:
        print("  waited in vain for: " + what)
        return None


def shot(d, name):
    d.save_screenshot(os.path.join(SHOTS, name + ".png"))


def text(d):
    return d.find_element(By.TAG_NAME, "main").text


def log_in(d, base, token):
    d.get(base + "/")
    if not wait(d, lambda d: d.find_elements(By.ID, "token") or d.find_elements(By.ID, "logout")
                and d.find_element(By.ID, "logout").is_displayed(), "the page"):
        return False
    if d.find_elements(By.ID, "logout") and d.find_element(By.ID, "logout").is_displayed():
        d.find_element(By.ID, "logout").click()
        wait(d, lambda d: d.find_elements(By.ID, "token"), "the login form")
    d.find_element(By.ID, "token").send_keys(token)
    d.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
    return wait(d, lambda d: d.find_element(By.ID, "logout").is_displayed(), "logged in") is not None


def main():
    os.makedirs(SHOTS, exist_ok=True)
    root = tempfile.mkdtemp(prefix="regie-browser-")
    e = H.Engine(root, "a", args=["--clock", "manual=2026-11-23T08:00:00Z", "--web-root", os.path.join(ROOT, "web")])
    drivers = []
    try:
        e.start()
        run(e, root, drivers)
    except Exception as ex:  # a crash of the test is a failure, said as such
        H.result("browser_test_ran", False, f"{type(ex).__name__}: {ex}".strip())
    finally:
        for d in drivers:
            try:
                d.quit()
            except Exception:
                pass
        e.stop()
        shutil.rmtree(root, ignore_errors=True)
    sys.exit(1 if H.failed else 0)


def run(e, root, drivers):
    A = e.admin
    anna = e.actor("anna", "procesregisseur", "zvh")
    pol = e.actor("pol", "partner", "police")
    mgr = e.actor("mgr", "manager", "zvh")
    e.actor("rpol", "partner", "police-rdam", zvh="rotterdam")
    rpol = H.tokens[-1]
    st, j, _ = H.report(e, pol, "c1")
    c1 = j["case"]
    st, j, _ = H.report(e, rpol, "c2")
    c2 = j["case"]
    st, j, _ = e.call("case.assign", anna, {"case": c1, "req": "as1", "data": {"procesregisseur": "anna"}})
    assert st == 200, j
    base = "http://127.0.0.1:%d" % e.port

    a = browser(os.path.join(root, "profile-a"))
    drivers.append(a)
    b = browser(os.path.join(root, "profile-b"))
    drivers.append(b)

    # ---- procesregisseur: my cases, nothing of another region ----
    ok = log_in(a, base, anna)
    seen = wait(a, lambda d: c1 in text(d), "anna's case in Mijn zaken")
    shot(a, "01-procesregisseur-mijn-zaken")
    H.result("procesregisseur_logs_in_and_sees_her_case", ok and seen is not None and c2 not in text(a))
    a.get(base + "/#/zaak/" + c2)
    nf = wait(a, lambda d: "Niet gevonden" in text(d), "not found for another region's case")
    shot(a, "02-procesregisseur-andere-regio-niet-gevonden")
    H.result("other_region_case_not_found_by_url", nf is not None, text(a)[:200])

    # ---- partner: the live feed open in the other browser ----
    ok = log_in(b, base, pol)
    b.get(base + "/#/feed")
    feed_ok = wait(b, lambda d: d.find_elements(By.CSS_SELECTOR, "#feedlist li"), "the partner's feed")
    shot(b, "03-partner-live")
    H.result("partner_logs_in_and_sees_feed", ok and feed_ok is not None and c2 not in text(b))

    # ---- a step through the generated form, seen live by the partner ----
    a.get(base + "/#/zaak/" + c1)
    form = wait(a, lambda d: d.find_elements(By.CSS_SELECTOR, 'details[data-op="intake.start"]'), "the intake.start form")
    shot(a, "04-procesregisseur-zaak")
    n_before = len(b.find_elements(By.CSS_SELECTOR, "#feedlist li"))
    if form:
        form[0].find_element(By.TAG_NAME, "summary").click()
        form[0].find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    moved = wait(a, lambda d: d.find_elements(By.ID, "state") and d.find_element(By.ID, "state").text == "intake",
                 "the case in intake")
    live = wait(b, lambda d: any("intake.started" in li.text for li in d.find_elements(By.CSS_SELECTOR, "#feedlist li")),
                "intake.started in the partner's open feed")
    shot(a, "05-procesregisseur-na-stap")
    dec = wait(a, lambda d: d.find_elements(By.CSS_SELECTOR, 'details[data-op="intake.decide"]'), "the next step's form")
    if dec:
        dec[0].find_element(By.TAG_NAME, "summary").click()
        a.execute_script("arguments[0].scrollIntoView()", dec[0])
    shot(a, "05b-procesregisseur-formulier-intakebesluit")
    shot(b, "06-partner-ziet-stap-live")
    H.result("step_through_generated_form", form is not None and moved is not None)
    H.result("step_appears_live_in_other_role_page", live is not None and
             len(b.find_elements(By.CSS_SELECTOR, "#feedlist li")) > n_before)

    a.get(base + "/#/triage")
    wait(a, lambda d: "Nieuwe meldingen" in text(d), "the triage view")
    shot(a, "05c-procesregisseur-nieuwe-meldingen")
    b.get(base + "/#/taken")
    wait(b, lambda d: "Openstaand" in text(d), "the partner's open items")
    shot(b, "06b-partner-openstaand")
    b.get(base + "/#/feed")
    wait(b, lambda d: d.find_elements(By.CSS_SELECTOR, "#feedlist li"), "the partner's feed again")

    # ---- an alert arrives live, and is acknowledged ----
    a.get(base + "/#/signalen")
    wait(a, lambda d: d.find_elements(By.ID, "alerts"), "the alerts page")
    st, j, _ = e.call("clock.advance", A, {"req": "adv1", "data": {"ms": 10 * 86400000}})
    row = wait(a, lambda d: d.find_elements(By.CSS_SELECTOR, "#alerts tr[data-alert]"), "an alert row, live")
    badge = wait(a, lambda d: d.find_element(By.ID, "badge").is_displayed(), "the alert badge")
    shot(a, "07-procesregisseur-signaal-live")
    H.result("alert_arrives_live", st == 200 and row is not None and badge is not None)
    acked = None
    if row:
        row[0].find_element(By.TAG_NAME, "button").click()
        acked = wait(a, lambda d: d.execute_script("return document.querySelectorAll('#alerts tr.acked').length") > 0,
                     "the alert greyed")
    shot(a, "08-procesregisseur-signaal-afgehandeld")
    st, j, _ = e.call("alerts.list", anna, {"data": {"all": True}})
    H.result("alert_acknowledged", acked is not None and j.get("ok") and any(x["acked"] for x in j["alerts"]), str(j))

    # ---- manager: the charts ----
    ok = log_in(b, base, mgr)
    b.get(base + "/#/cijfers")
    drawn = wait(b, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#charts svg rect")) >= 4, "the charts")
    shot(b, "09-manager-cijfers")
    H.result("manager_charts_drawn", ok and drawn is not None)
    b.get(base + "/#/zaken")
    listed = wait(b, lambda d: c1 in text(d), "the region's cases")
    shot(b, "10-manager-zaken")
    H.result("manager_sees_region_not_other", listed is not None and c2 not in text(b))

    # ---- admin ----
    ok = log_in(b, base, A)
    b.get(base + "/#/beheer")
    forms = wait(b, lambda d: d.find_elements(By.CSS_SELECTOR, 'form[data-op="actor.create"]'), "the actor form")
    shot(b, "11-beheer")
    b.get(base + "/#/audit")
    trail = wait(b, lambda d: d.find_elements(By.CSS_SELECTOR, "main table tbody tr"), "the audit trail")
    shot(b, "12-beheer-verwerkingen")
    H.result("admin_pages", ok and forms is not None and trail is not None)

    # ---- English as a switch ----
    b.find_element(By.ID, "lang").click()
    en = wait(b, lambda d: d.find_element(By.ID, "logout").text == "Log out", "English")
    shot(b, "13-english")
    b.find_element(By.ID, "lang").click()
    H.result("language_switch", en is not None)


if __name__ == "__main__":
    main()
