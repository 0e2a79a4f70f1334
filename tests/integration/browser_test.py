#!/usr/bin/python3
"""browser_test.py - the browser app in a real Chromium (Debian's chromium and
chromium-driver through python3-selenium, headless), against the real regied.

Logs in as each role and sees what that role may see and nothing else (a case
of another region, a covenant case and an archived case absent from the lists
and `not found` by URL), takes a step through a form generated from the op
table and sees it appear in another role's open page without a reload, sees a
stagnation alert arrive live, in Dutch, and acknowledges it, sees the
manager's charts drawn; a partner manager and the bestuur see the escalations
that reached them and their dossiers (no case file), and the bestuur decides
through the form.  A screenshot of every page goes to build/browser/ for a
person to look at, and every page is checked with axe-core (npm, installed at
test time by tools/install-axe.sh) for violations of WCAG 2.1 AA.  Prints
PASS:/FAIL: lines.
"""
import json
import os
import re
import shutil
import subprocess
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
AXE = os.path.join(ROOT, "build", "npm", "node_modules", "axe-core", "axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]     # WCAG 2.1 AA (Besluit digitale toegankelijkheid)
DAY = 86400000


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


def axe_check(d, name):
    """axe-core on the page as it is: one PASS/FAIL per page, naming each
    violation and where."""
    d.execute_script(open(AXE).read())
    r = d.execute_async_script("""const done = arguments[arguments.length - 1];
      axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
        .then((r) => done(r.violations.map((v) => v.id + ' (' + v.impact + '): ' +
                                          v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', '))))
        .catch((e) => done(['axe failed: ' + e]));""", AXE_TAGS)
    H.result("wcag21aa_" + name, r == [], "; ".join(r))


def shot(d, name):
    d.save_screenshot(os.path.join(SHOTS, name + ".png"))
    axe_check(d, name)
    # Nothing shown as a program's word for nothing.
    body = d.find_element(By.TAG_NAME, "body").text
    bad = re.findall(r"\bnull\b|\bundefined\b|\bNaN\b|\[object Object\]", body)
    H.result("no_blank_words_" + name, not bad, str(bad))


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
    if subprocess.run([os.path.join(ROOT, "tools", "install-axe.sh")]).returncode != 0 or not os.path.exists(AXE):
        H.result("axe_core_installed", False, "tools/install-axe.sh failed")
        sys.exit(1)
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
    # A radicalisation case (its own covenant) in the same region, reported
    # by a police officer under the covenant: nobody here without it sees it.
    polrad = e.actor("polrad", "partner", "police", covenants=["radicalisering"])
    st, j, _ = e.call("case.report", polrad, {"req": "crad", "data": {
        "target_group": "radicalisering", "summary": "zorgen", "urgency": "high", "informed": True,
        "subject": {"name": "K. Janssen", "birth_date": "1990-01-01"}}})
    assert st == 200, j
    crad = j["case"]
    # A case of the police that ended early: archived, the ZVH's alone.
    st, j, _ = H.report(e, pol, "c4")
    c4 = j["case"]
    for op, data in [("case.assign", {"procesregisseur": "anna"}), ("case.end", {"reason": "withdrawn"})]:
        st, j, _ = e.call(op, anna, {"case": c4, "req": op + "-c4", "data": data})
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
    H.result("procesregisseur_logs_in_and_sees_her_case", ok and seen is not None and c2 not in text(a)
             and crad not in text(a))
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
    b.get(base + "/#/onzezaken")
    ours = wait(b, lambda d: c1 in text(d), "the partner's cases")
    shot(b, "03a-partner-onze-zaken")
    H.result("partner_lists_neither_covenant_nor_archived_case",
             ours is not None and crad not in text(b) and c4 not in text(b) and c2 not in text(b), text(b)[:300])
    for cid, what in [(crad, "covenant"), (c4, "archived")]:
        b.get(base + "/#/zaak/" + cid)
        nf = wait(b, lambda d: "Niet gevonden" in text(d), "not found for the %s case" % what)
        shot(b, "03b-partner-%s-niet-gevonden" % what)
        H.result("partner_%s_case_not_found_by_url" % what, nf is not None and "K. Janssen" not in text(b),
                 text(b)[:200])
    b.get(base + "/#/feed")
    wait(b, lambda d: d.find_elements(By.CSS_SELECTOR, "#feedlist li"), "the partner's feed again")

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
    live = wait(b, lambda d: any("intake gestart" in li.text for li in d.find_elements(By.CSS_SELECTOR, "#feedlist li")),
                "intake.started (intake gestart) in the partner's open feed")
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

    # ---- procesregisseur: her week (c1's intake decision is due in 5 working days) ----
    a.get(base + "/#/mijnweek")
    week = wait(a, lambda d: any(c1 in tr.text and "intakebesluit" in tr.text
                                 for tr in d.find_elements(By.CSS_SELECTOR, "#week tr")), "c1's intake decision in Mijn week")
    shot(a, "05a-procesregisseur-mijn-week")
    H.result("procesregisseur_week_shows_deadlines", week is not None and "Mijn week" in text(a)
             and c2 not in text(a), text(a)[:300])
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
    rows = text(a)
    H.result("alert_text_is_dutch", "Van u verwacht" in rows and "Expected of you" not in rows and
             "Vastgelopen" in rows, rows[:400])
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
    b.get(base + "/#/zaak/" + crad)
    nf = wait(b, lambda d: "Niet gevonden" in text(d), "not found for the covenant case")
    shot(b, "10b-manager-convenantzaak-niet-gevonden")
    b.get(base + "/#/zaken")
    wait(b, lambda d: c1 in text(d), "the region's cases again")
    H.result("manager_covenant_case_absent_and_not_found", nf is not None and crad not in text(b))

    # ---- admin ----
    ok = log_in(b, base, A)
    b.get(base + "/#/beheer")
    forms = wait(b, lambda d: d.find_elements(By.CSS_SELECTOR, 'form[data-op="actor.create"]'), "the actor form")
    shot(b, "11-beheer")
    b.get(base + "/#/audit")
    trail = wait(b, lambda d: d.find_elements(By.CSS_SELECTOR, "main table tbody tr"), "the audit trail")
    shot(b, "12-beheer-verwerkingen")
    H.result("admin_pages", ok and forms is not None and trail is not None)

    # ---- the audit trail's filters: actor, case, date range ----
    def rows(d):
        return d.find_elements(By.CSS_SELECTOR, "#audit tr")

    def apply(**vals):
        for k, v in vals.items():
            b.execute_script("arguments[0].value = arguments[1]", b.find_element(By.ID, "f-" + k), v)
        b.find_element(By.CSS_SELECTOR, "#auditfilter button[type=submit]").click()

    n_all = len(rows(b))
    actors = set(tr.get_attribute("data-actor") for tr in rows(b))
    apply(actor="pol")
    by_actor = wait(b, lambda d: rows(d) and b.find_element(By.ID, "f-actor").get_attribute("value") == "pol"
                    and all(tr.get_attribute("data-actor") == "pol" for tr in rows(d)), "the trail of pol alone")
    shot(b, "12a-beheer-verwerkingen-filter-actor")
    H.result("audit_filter_by_actor", by_actor is not None and len(rows(b)) < n_all and
             len(actors) > 1, "%d of %d, actors %s" % (len(rows(b)), n_all, sorted(actors)))
    apply(actor="", case=c1)
    by_case = wait(b, lambda d: b.find_element(By.ID, "f-case").get_attribute("value") == c1 and rows(d)
                   and all(c1 in tr.text for tr in rows(d)), "the trail of c1 alone")
    purposes = set(tr.get_attribute("data-purpose") for tr in rows(b))
    H.result("audit_filter_by_case", by_case is not None and len(rows(b)) < n_all, text(b)[:300])
    p = sorted(purposes)[0] if purposes else ""
    apply(purpose=p)
    by_purpose = wait(b, lambda d: b.find_element(By.ID, "f-purpose").get_attribute("value") == p and rows(d)
                      and all(tr.get_attribute("data-purpose") == p for tr in rows(d)), "the trail of one purpose")
    H.result("audit_filter_by_operation", by_purpose is not None and p != "", p)
    apply(purpose="", case="", **{"from": "2026-11-23", "to": "2026-11-23"})
    # The clock started on 23 November and the alert's 10 days moved it to 3 December.
    today = wait(b, lambda d: b.find_element(By.ID, "f-from").get_attribute("value") == "2026-11-23" and rows(d)
                 and all("23 november 2026" in tr.text for tr in rows(d)), "the trail of 23 November alone")
    n_today = len(rows(b))
    apply(**{"from": "2026-12-04", "to": "2026-12-31"})
    later = wait(b, lambda d: b.find_element(By.ID, "f-from").get_attribute("value") == "2026-12-04"
                 and d.find_elements(By.ID, "noaudit"), "no processing after 3 December")
    shot(b, "12b-beheer-verwerkingen-filter-datum")
    H.result("audit_filter_by_date_range", today is not None and 0 < n_today < n_all and later is not None,
             "%d of %d" % (n_today, n_all))

    # ---- English as a switch ----
    b.find_element(By.ID, "lang").click()
    en = wait(b, lambda d: d.find_element(By.ID, "logout").text == "Log out", "English")
    shot(b, "13-english")
    b.find_element(By.ID, "lang").click()
    H.result("language_switch", en is not None)

    ladder(e, base, b, anna, pol, mgr, c1, c2, crad)
    household(e, base, b, anna, pol, mgr)


def ladder(e, base, b, anna, pol, mgr, c1, c2, crad):
    """Issue 21's upper levels: a case whose action stays undone climbs to
    level 2 (the partner managers of the org that owes it) and level 3 (the
    bestuur); each reads the escalations that reached them and their
    dossiers, never the case file; the bestuur decides through the form."""
    A = e.admin
    ggz = e.actor("ggz1", "partner", "ggz")
    pm = e.actor("pm-ggz", "partner_manager", "ggz")
    burg = e.actor("burg", "bestuur", "gemeente")
    n = [0]

    def ok(op, tok, body):
        n[0] += 1
        body = dict(body, req="ladder-%d" % n[0])
        st, j, _ = e.call(op, tok, body)
        assert st == 200, (op, j)
        return j

    st, j, _ = H.report(e, pol, "c5")
    c5 = j["case"]
    ok("case.assign", anna, {"case": c5, "data": {"procesregisseur": "anna"}})
    ok("intake.start", anna, {"case": c5})
    ok("intake.decide", anna, {"case": c5, "data": {"admit": True, "reason": "r", "criteria": ["multi_domain"]}})
    ok("meeting.schedule", anna, {"case": c5, "data": {"at": "2027-06-01T10:00:00+02:00", "orgs": ["ggz"]}})
    ok("meeting.hold", anna, {"case": c5, "data": {"attendees": ["ggz"], "conclusions": "een plan"}})
    due = "2026-12-07"          # the clock is at 3 December (23 November and the alert's 10 days)
    ok("plan.propose", anna, {"case": c5, "data": {"goals": "rust", "actions": [
        {"id": "a1", "owner_org": "ggz", "description": "huisbezoek", "due": due}]}})
    ok("plan.agree", ggz, {"case": c5})
    level = 0
    for _ in range(60):
        ok("clock.advance", A, {"data": {"ms": DAY}})
        esc = ok("case.get", mgr, {"case": c5})["case"].get("escalation")
        level = esc["level"] if esc else 0
        if level == 1:
            ok("escalation.resolve", mgr, {"case": c5, "data": {"decision": "doorgaan"}})
        if level == 3:
            break
    H.result("ladder_reaches_level_3", level == 3, str(level))

    # ---- the manager's chart of overdue items per organisation: ggz owes a1 ----
    ok_in = log_in(b, base, mgr)
    b.get(base + "/#/cijfers")
    late = wait(b, lambda d: d.find_elements(By.CSS_SELECTOR, "#overdue-org svg rect") and
                "ggz" in d.find_element(By.ID, "overdue-org").text, "ggz in the chart te laat per organisatie")
    shot(b, "13b-manager-te-laat-per-organisatie")
    H.result("manager_chart_overdue_per_org", ok_in and late is not None and
             "Te laat per organisatie" in text(b), text(b)[:300])

    # ---- the partner manager of ggz: the escalations, the dossier, no case file ----
    ok_in = log_in(b, base, pm)
    b.get(base + "/#/escalaties")
    listed = wait(b, lambda d: c5 in text(d), "the partner manager's escalations")
    shot(b, "14-partnermanager-escalaties")
    H.result("partner_manager_sees_the_escalations_that_reached_him",
             ok_in and listed is not None and c1 not in text(b) and "niveau 3" in text(b), text(b)[:300])
    b.find_element(By.CSS_SELECTOR, 'a[href="#/dossier/%s"]' % c5).click()
    dos = wait(b, lambda d: "Waar het vastzit" in text(d) and "actie a1 uit het plan" in text(d), "the dossier")
    shot(b, "15-partnermanager-dossier")
    H.result("partner_manager_reads_the_dossier", dos is not None and "J. de Vries" not in text(b) and
             "huisbezoek" not in text(b) and not b.find_elements(By.CSS_SELECTOR, "#decide form"), text(b)[:400])
    b.get(base + "/#/zaak/" + c5)
    refused = wait(b, lambda d: "Dit mag uw rol niet" in text(d), "the case file refused")
    shot(b, "16-partnermanager-geen-zaakdossier")
    H.result("partner_manager_never_reads_the_case_file", refused is not None and "J. de Vries" not in text(b))
    b.get(base + "/#/signalen")
    sig = wait(b, lambda d: d.find_elements(By.CSS_SELECTOR, "#alerts tr[data-alert]"), "the partner manager's alerts")
    shot(b, "17-partnermanager-signalen")
    H.result("partner_manager_alerts_in_dutch", sig is not None and "opgeschaald naar niveau" in text(b) and
             "Expected of you" not in text(b), text(b)[:300])

    # ---- the bestuur: the escalation at level 3, its dossier, the decision ----
    ok_in = log_in(b, base, burg)
    b.get(base + "/#/escalaties")
    listed = wait(b, lambda d: c5 in text(d), "the bestuur's escalations")
    shot(b, "18-bestuur-escalaties")
    H.result("bestuur_sees_the_escalation_at_level_3", ok_in and listed is not None and c2 not in text(b) and
             crad not in text(b) and "niveau 3" in text(b), text(b)[:300])
    b.get(base + "/#/dossier/" + c5)
    form = wait(b, lambda d: d.find_elements(By.CSS_SELECTOR, '#decide form[data-op="escalation.resolve"]'),
                "the decision form")
    shot(b, "19-bestuur-dossier-besluit")
    decided = None
    if form:
        form[0].find_element(By.CSS_SELECTOR, '[data-field="decision"]').send_keys("De directeur van ggz levert.")
        form[0].find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        decided = wait(b, lambda d: d.find_elements(By.ID, "esclevel") and
                       "geen open escalatie" in d.find_element(By.ID, "esclevel").text, "the escalation decided")
    shot(b, "20-bestuur-besloten")
    esc = ok("case.get", mgr, {"case": c5})["case"].get("escalation")
    H.result("bestuur_decides_through_the_form", decided is not None and not esc, str(esc))
    b.get(base + "/#/zaak/" + c1)
    refused = wait(b, lambda d: "Dit mag uw rol niet" in text(d) or "Niet gevonden" in text(d), "the case file refused")
    H.result("bestuur_never_reads_a_case_file", refused is not None and "J. de Vries" not in text(b))


FATHER, BSN_FATHER = "H. Vlasblom", "619382703"


def household(e, base, b, anna, pol, mgr):
    """Issue 25's household on the case page: a mother, her partner and a
    child; the child's own words and the partner's recorded
    (client.perspective), then the partner's restriction granted (AVG art.
    18: his data kept, its processing limited at his request).  The
    procesregisseur and the reporting police partner each see him listed as
    beperkt, the police nothing else of him, and the perspectives beside the
    plan: his words to the procesregisseur alone."""
    n = [0]

    def ok(op, tok, body):
        n[0] += 1
        st, j, _ = e.call(op, tok, dict(body, req="hh-%d" % n[0]))
        assert st == 200, (op, j)
        return j

    c = ok("case.report", pol, {"data": {
        "target_group": "multi_probleem_gezin", "summary": "een gezin in de knel", "urgency": "normal", "informed": True,
        "persons": [{"role": "subject", "name": "M. Vlasblom", "birth_date": "1981-05-06", "bsn": "739201840"},
                    {"role": "partner", "name": FATHER, "birth_date": "1978-03-04", "bsn": BSN_FATHER},
                    {"role": "child", "name": "T. Vlasblom", "birth_date": "2015-07-08", "bsn": "528173649"}]}})["case"]
    ok("case.assign", anna, {"case": c, "data": {"procesregisseur": "anna"}})
    ok("intake.start", anna, {"case": c})
    ok("intake.decide", anna, {"case": c, "data": {"admit": True, "reason": "een gezin", "criteria": ["system"]}})
    ok("client.perspective", anna, {"case": c, "data": {"person": "P3", "wishes": "op mijn eigen school blijven"}})
    ok("client.perspective", anna, {"case": c, "data": {"person": "P2", "wishes": "de kinderen elke week zien"}})
    r = ok("subject.request", mgr, {"data": {"kind": "restriction", "person": {"bsn": BSN_FATHER}}})
    ok("subject.decide", mgr, {"data": {"request": r["request"], "granted": True}})

    def rows(d, table, person):
        return d.find_elements(By.CSS_SELECTOR, '#%s tr[data-person="%s"]' % (table, person))

    def row(d, table, person):      # its text, or "" when the page has no such row
        r = rows(d, table, person)
        return r[0].text if r else ""

    def marked(d):
        """P2 said to be beperkt in words, P1 and P3 not."""
        p2 = rows(d, "persons", "P2")
        return (p2 and p2[0].get_attribute("data-restricted") == "true" and "beperkt" in p2[0].text
                and "beperkt" not in row(d, "persons", "P1") and "beperkt" not in row(d, "persons", "P3"))

    for who, tok, shotname in [("procesregisseur", anna, "21-procesregisseur-huishouden-beperkt"),
                               ("partner", pol, "22-partner-huishouden-beperkt")]:
        ok_in = log_in(b, base, tok)
        b.get(base + "/#/zaak/" + c)
        seen = wait(b, lambda d: d.find_elements(By.CSS_SELECTOR, '#persons tr[data-person="P3"]') and marked(d)
                    and d.find_elements(By.CSS_SELECTOR, '#perspectives tr[data-person="P3"]'),
                    "the household, P2 beperkt and the perspectives (%s)" % who)
        if seen:
            b.execute_script("arguments[0].scrollIntoView()", b.find_element(By.ID, "persons"))
        shot(b, shotname)
        H.result("%s_sees_restricted_person_beperkt" % who, ok_in and seen is not None and bool(marked(b))
                 and "kind" in row(b, "persons", "P3"), text(b)[:600])
        p3 = row(b, "perspectives", "P3")
        src = b.page_source
        if who == "procesregisseur":
            H.result("procesregisseur_sees_perspectives_beside_plan",
                     "op mijn eigen school blijven" in p3 and "P3 (kind)" in p3
                     and "de kinderen elke week zien" in row(b, "perspectives", "P2"), text(b)[:600])
        else:
            H.result("partner_sees_perspectives_not_of_restricted_person",
                     "op mijn eigen school blijven" in p3 and not rows(b, "perspectives", "P2")
                     and "de kinderen elke week zien" not in src, text(b)[:600])
            H.result("partner_reads_nothing_of_restricted_person", FATHER not in src and BSN_FATHER not in src
                     and "geen inzage" in row(b, "persons", "P2"), row(b, "persons", "P2"))


if __name__ == "__main__":
    main()
