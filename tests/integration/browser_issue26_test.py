#!/usr/bin/python3
"""browser_issue26_test.py - the two pages of issue 26 in a real headless
Chromium against the real regied (the helpers of browser_test.py):

- the manager's "Wat als": the region's real history replayed under other
  norms (norm.intake.start = 10 working days) beside reality, after an
  intake that really stagnated: the stagnation is in the real column and not
  in the what-if one; the built-in norms give both columns equal; a config
  with an unknown norm is refused with the engine's reason; no personal data
  on the page; a partner has no such page;
- the auditor's "Toezicht": the latest signed heads of the log and of the
  audit trail, each shown as the JSON a witness is handed, which
  `regie-verify head` checks with the public key alone; the audit trail
  listed; no case content.
Every page is checked with axe-core (WCAG 2.1 AA) and screenshotted in
build/browser/.  Prints PASS:/FAIL: lines.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import http_test as H  # noqa: E402
import browser_test as BT  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

ROOT = BT.ROOT
VERIFY = os.environ.get("REGIE_VERIFY", os.path.join(ROOT, "bin", "regie-verify"))


def cells(d, table_index):
    """The rows of the what-if result's table_index-th table, as lists of cell texts."""
    tables = d.find_elements(By.CSS_SELECTOR, "#whatif-result table")
    if len(tables) <= table_index:
        return []
    return [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in tables[table_index].find_elements(By.CSS_SELECTOR, "tbody tr")]


def run_whatif(d, config):
    area = d.find_element(By.ID, "wi-config")
    area.clear()
    if config:
        area.send_keys(config)
    d.find_element(By.CSS_SELECTOR, "#whatif button[type=submit]").click()
    return BT.wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#whatif-result table, #whatif-out .error"),
                   "the what-if outcome")


def run(e, root, drivers):
    A = e.admin
    anna = e.actor("anna", "procesregisseur", "zvh")
    pol = e.actor("pol", "partner", "police")
    mgr = e.actor("mgr", "manager", "zvh")
    aud = e.actor("aud", "auditor", "toezicht")
    st, j, _ = H.report(e, pol, "c1")
    assert st == 200, j
    c1 = j["case"]
    st, j, _ = e.call("case.assign", anna, {"case": c1, "req": "as1", "data": {"procesregisseur": "anna"}})
    assert st == 200, j
    # Five days on: the intake (2 working days) has stagnated in reality.
    st, j, _ = e.call("clock.advance", A, {"req": "adv1", "data": {"ms": 5 * BT.DAY}})
    assert st == 200, j
    # A read of the case: an access record in the audit trail.
    st, j, _ = e.call("case.get", mgr, {"case": c1})
    assert st == 200, j
    base = "http://127.0.0.1:%d" % e.port
    d = BT.browser(os.path.join(root, "profile-26"))
    drivers.append(d)

    # ---- the manager's what-if ----
    ok = BT.log_in(d, base, mgr)
    d.get(base + "/#/watals")
    form = BT.wait(d, lambda d: d.find_elements(By.ID, "wi-config"), "the what-if form")
    H.result("manager_has_whatif_page", ok and form is not None and "Wat als" in d.find_element(By.ID, "nav").text)
    out = run_whatif(d, "norm.intake.start = 10\n")
    rows = cells(d, 0)
    BT.shot(d, "26-01-manager-wat-als")
    # Totals: stagnations, escalations, stalled cases, alerts; [what, real, whatif, diff].
    H.result("whatif_shorter_history_shows_fewer_stagnations",
             out is not None and len(rows) == 4 and rows[0][1] == "1" and rows[0][2] == "0" and rows[0][3] == "-1",
             str(rows))
    H.result("whatif_names_the_stalled_case", c1 in BT.text(d), BT.text(d)[-300:])
    H.result("whatif_page_shows_no_personal_data", "J. de Vries" not in d.page_source)
    out = run_whatif(d, "")
    rows = cells(d, 0)
    H.result("whatif_same_norms_give_reality_twice", out is not None and rows and all(r[1] == r[2] for r in rows),
             str(rows))
    out = run_whatif(d, "norm.nonsense = 3\n")
    err = d.find_elements(By.CSS_SELECTOR, "#whatif-out .error")
    BT.shot(d, "26-02-manager-wat-als-fout")
    H.result("whatif_bad_config_refused_with_reason", bool(err) and "data.config:1" in err[0].text,
             err[0].text if err else BT.text(d)[:200])

    # ---- a partner has no what-if ----
    BT.log_in(d, base, pol)
    d.get(base + "/#/watals")
    BT.wait(d, lambda d: d.find_elements(By.ID, "title"), "the partner's page")
    H.result("partner_has_no_whatif_page", not d.find_elements(By.ID, "wi-config") and
             "Wat als" not in d.find_element(By.ID, "nav").text)

    # ---- the auditor's oversight: heads to hand to a witness ----
    ok = BT.log_in(d, base, aud)
    d.get(base + "/#/toezicht")
    heads = BT.wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, "pre.head")) == 2 and
                    d.find_elements(By.CSS_SELECTOR, "pre.head"), "the signed heads")
    BT.shot(d, "26-03-auditor-toezicht")
    H.result("auditor_logs_in_and_sees_both_heads", ok and heads is not None)
    checked = []
    for i, pre in enumerate(heads or []):
        path = os.path.join(root, "head-%d.json" % i)
        with open(path, "w") as f:
            f.write(pre.text + "\n")
        r = subprocess.run([VERIFY, "head", "--pub", os.path.join(e.dir, "sign.pub"), path],
                           capture_output=True, text=True)
        checked.append((r.returncode, r.stdout.strip() or r.stderr.strip()))
    H.result("web_heads_verify_with_the_public_key_alone",
             len(checked) == 2 and all(rc == 0 for rc, _ in checked) and "audit trail head ok" in checked[1][1],
             str(checked))
    page = BT.text(d)
    H.result("auditor_sees_the_access_record_not_the_case", "case.get" in page or c1 in page, page[-300:])
    H.result("auditor_page_shows_no_case_content", "J. de Vries" not in d.page_source and
             "zorgen over de buurman" not in d.page_source)


def main():
    os.makedirs(BT.SHOTS, exist_ok=True)
    if subprocess.run([os.path.join(ROOT, "tools", "install-axe.sh")]).returncode != 0 or not os.path.exists(BT.AXE):
        H.result("axe_core_installed", False, "tools/install-axe.sh failed")
        sys.exit(1)
    root = tempfile.mkdtemp(prefix="regie-browser26-")
    e = H.Engine(root, "a", args=["--clock", "manual=2026-11-23T08:00:00Z", "--web-root", os.path.join(ROOT, "web")])
    drivers = []
    try:
        e.start()
        run(e, root, drivers)
    except Exception as ex:  # a crash of the test is a failure, said as such
        H.result("browser_issue26_test_ran", False, f"{type(ex).__name__}: {ex}".strip())
    finally:
        for d in drivers:
            try:
                d.quit()
            except Exception:
                pass
        e.stop()
        shutil.rmtree(root, ignore_errors=True)
    sys.exit(1 if H.failed else 0)


if __name__ == "__main__":
    main()
