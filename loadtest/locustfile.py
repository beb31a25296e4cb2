"""Load scenario (`make loadtest`): staff browse, tutors save opinion drafts, jury members decide.

Accounts come from the demo seed (`$CQPM_VAR_DIR/demo-accounts.tsv`: role, centre, e-mail,
password, TOTP secret). Each account logs in once through the real pages (login form, then the
TOTP step for staff and jury, with the code computed from the secret): allauth refuses a TOTP code
twice, so the simulated users of one account share its session, like the tabs of one browser.
"""

import base64
import csv
import hashlib
import hmac
import html
import os
import random
import re
import struct
import time
from pathlib import Path

import gevent.lock
from locust import HttpUser, between, task

ACCOUNTS_FILE = Path(os.environ.get("CQPM_VAR_DIR", "var")) / "demo-accounts.tsv"
CENTRE = os.environ.get("LOADTEST_CENTRE", "demo-lyon")  # its campaign holds the 10,000
# Think time between a user's actions, as a factor of the scenario's (1: a person reading the page,
# 1-3 s for staff, 2-5 s for tutors and jury members; 0: no pause, the 50 users ask as fast as the
# server answers, which measures its capacity instead of the scenario's pace).
THINK = float(os.environ.get("LOADTEST_THINK", "1"))
SEARCHES = ["mar", "dub", "le", "ber", "pet", "rob"]
STAGES = ["registered", "dossier", "evidence", "commission", "jury"]


def _accounts() -> dict[str, dict]:
    with ACCOUNTS_FILE.open(encoding="utf-8") as handle:
        rows = csv.reader(handle, delimiter="\t")
        return {
            row[0]: {"email": row[2], "password": row[3], "secret": row[4] if len(row) > 4 else ""}
            for row in rows
            if row and row[1] == CENTRE
        }


ACCOUNTS = _accounts()
_sessions: dict[str, list] = {}
_lock = gevent.lock.Semaphore()


def totp(secret: str, *, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 6 digits, 30 s), as an authenticator app computes it."""
    counter = int((at or time.time()) // 30)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def _csrf(user) -> str:
    return user.client.cookies.get("csrftoken", "")


def _post(user, url: str, data: dict, name: str | None = None, **kwargs):
    data = {"csrfmiddlewaretoken": _csrf(user), **data}
    headers = {"Referer": user.host + url}
    return user.client.post(url, data=data, headers=headers, name=name or url, **kwargs)


def log_in(user, role: str) -> None:
    """The real login (and TOTP) once per account; later users of the account reuse its cookies."""
    with _lock:
        cookies = _sessions.get(role)
        if cookies is None:
            account = ACCOUNTS[role]
            user.client.get("/comptes/login/", name="login (form)")
            response = _post(
                user,
                "/comptes/login/",
                {"login": account["email"], "password": account["password"]},
                name="login",
            )
            if account["secret"]:
                assert "/comptes/2fa/authenticate/" in response.url, response.url
                response = _post(
                    user,
                    "/comptes/2fa/authenticate/",
                    {"code": totp(account["secret"])},
                    name="login (TOTP)",
                )
            if "/comptes/" in response.url:
                raise RuntimeError(f"login of {role} failed: ended on {response.url}")
            cookies = list(user.client.cookies)
            _sessions[role] = cookies
    for cookie in cookies:  # the same Cookie objects (domain, path): no duplicate names
        user.client.cookies.set_cookie(cookie)


class Staff(HttpUser):
    """Exam-centre staff: campaign list, dashboard, candidate list with search and filters."""

    weight = 3
    wait_time = between(1 * THINK, 3 * THINK)

    def on_start(self):
        log_in(self, "staff")
        page = self.client.get("/campagnes/", name="/campagnes/").text
        pks = [int(pk) for pk in re.findall(r'href="/campagnes/(\d+)/"', page)]
        self.campaign = min(pks)  # the first demo campaign: the one grown to 10,000

    @task(2)
    def campaign_list(self):
        self.client.get("/campagnes/", name="/campagnes/")

    @task(3)
    def dashboard(self):
        self.client.get(f"/campagnes/{self.campaign}/", name="/campagnes/[id]/ (tableau de bord)")

    @task(3)
    def candidates(self):
        page = random.randint(1, 200)
        self.client.get(
            f"/campagnes/{self.campaign}/candidats/?page={page}",
            name="/campagnes/[id]/candidats/?page=N",
        )

    @task(2)
    def candidates_search(self):
        self.client.get(
            f"/campagnes/{self.campaign}/candidats/?q={random.choice(SEARCHES)}",
            name="/campagnes/[id]/candidats/?q=…",
        )

    @task(2)
    def candidates_filter(self):
        self.client.get(
            f"/campagnes/{self.campaign}/candidats/?stage={random.choice(STAGES)}&sort=-registered_on",
            name="/campagnes/[id]/candidats/?stage=…&sort=…",
        )


class Tutor(HttpUser):
    """A tutor opens one of their draft opinions and saves it (the draft, not the submission)."""

    weight = 1
    wait_time = between(2 * THINK, 5 * THINK)

    def on_start(self):
        log_in(self, "tutor")
        page = self.client.get("/tuteur/", name="/tuteur/").text
        # The drafts (« Remplir »), not the opinions already sent (« Consulter »).
        self.opinions = [int(pk) for pk in re.findall(r'href="/avis/(\d+)/">\s*Remplir', page)]

    @task
    def save_draft(self):
        if not self.opinions:
            return
        pk = random.choice(self.opinions)
        form = self.client.get(f"/avis/{pk}/", name="/avis/[id]/").text
        if 'name="brouillon"' not in form:  # submitted meanwhile: read-only
            return
        data = _form_fields(form)
        data["overall_comment"] = f"Brouillon enregistré à {time.strftime('%H:%M:%S')}."
        data["brouillon"] = ""
        with _post(
            self, f"/avis/{pk}/", data, name="/avis/[id]/ (brouillon)", catch_response=True
        ) as response:
            if "Le brouillon est enregistré." in response.text:
                response.success()
            elif "modifié entre-temps" in response.text:
                # Refused as stale, nothing written: two users of one account saved it at once.
                response.success()
                _count(self, "POST", "/avis/[id]/ (brouillon refusé : modifié entre-temps)")
            else:
                response.failure("brouillon non enregistré")


class JuryMember(HttpUser):
    """A present jury member opens the deliberation page and records a decision."""

    weight = 1
    wait_time = between(2 * THINK, 5 * THINK)

    def on_start(self):
        log_in(self, "jury_member")
        page = self.client.get("/jurys/", name="/jurys/").text
        self.sessions = sorted({int(pk) for pk in re.findall(r'href="/jurys/(\d+)/"', page)})

    @task
    def record_decision(self):
        for session in self.sessions:
            page = self.client.get(
                f"/jurys/{session}/deliberation/", name="/jurys/[id]/deliberation/"
            ).text
            forms = re.findall(
                r'action="(/jurys/\d+/deliberation/\d+/)".*?name="expected" value="(\d*)"',
                page,
                re.S,
            )
            if not forms:
                continue
            action, expected = random.choice(forms)
            outcome = random.choice(["absent", "excused"])
            with _post(
                self,
                action,
                {"outcome": outcome, "expected": expected},
                name="/jurys/[id]/deliberation/[id]/ (décision)",
                catch_response=True,
            ) as response:
                if "Décision enregistrée" in response.text:
                    response.success()
                elif "entre-temps" in response.text:
                    response.success()  # a colleague was faster: nothing overwritten
                    _count(self, "POST", "/jurys/[id]/deliberation/[id]/ (conflit signalé)")
                else:
                    response.failure("décision non enregistrée")
            return


def _count(user, kind: str, name: str) -> None:
    """An extra line in the statistics (no time of its own): how often a conflict was refused."""
    user.environment.events.request.fire(
        request_type=kind,
        name=name,
        response_time=0,
        response_length=0,
        exception=None,
        context={},
    )


def _form_fields(page: str) -> dict:
    """The values a browser would send back: inputs, checked radios, selects, textareas."""
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) in ("radio", "checkbox") and "checked" not in tag:
            continue
        data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = html.unescape(body.strip())
    return data
