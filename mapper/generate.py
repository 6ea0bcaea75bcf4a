"""Synthetic campaign generator: a realistic organizing campaign of any size, streamed to files."""

from __future__ import annotations

import json
import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from math import gcd
from pathlib import Path
from typing import Callable

from mapper.cells import csv_writer

__all__ = ["generate_campaign"]

# Disjoint last-name pools keep workers, decision makers and organizers from sharing a name.
FIRST_NAMES = (
    "Aaliyah", "Abdi", "Adaeze", "Ahmed", "Aisha", "Alan", "Alejandra", "Alex", "Alicia", "Amara",
    "Amir", "Ana", "Andre", "Angela", "Anil", "Anita", "Arjun", "Ava", "Beatriz", "Ben",
    "Beth", "Brandon", "Brenda", "Brianna", "Bridget", "Camila", "Carla", "Carmen", "Chantal", "Chen",
    "Chloe", "Chris", "Claire", "Cody", "Colleen", "Dana", "Daniel", "Darius", "Deb", "Derek",
    "Diego", "Dolores", "Efua", "Elena", "Emeka", "Emily", "Emma", "Erin", "Esperanza", "Fatima",
    "Felipe", "Fiona", "Frances", "Gabriel", "Gina", "Grace", "Greg", "Hana", "Harriet", "Hassan",
    "Helen", "Hiro", "Holly", "Ifeoma", "Imani", "Ines", "Irene", "Isaac", "Ivan", "Jamal",
    "Jasmine", "Javier", "Jenny", "Jessica", "Joan", "Jolene", "Jordan", "Jose", "Joy", "Julia",
    "Kate", "Katya", "Keisha", "Kenji", "Kim", "Kofi", "Kristen", "Kwame", "Lauren", "Leah",
    "Lena", "Lindsey", "Lisa", "Lorraine", "Lucia", "Luz", "Malik", "Marcus", "Maria", "Marisol",
    "Martin", "Megan", "Mei", "Miguel", "Miriam", "Nadia", "Naomi", "Nathan", "Nicole", "Noor",
    "Olivia", "Omar", "Oscar", "Paloma", "Patricia", "Paul", "Pedro", "Peter", "Priya", "Rahul",
    "Raj", "Ray", "Renee", "Rick", "Rosa", "Rosalind", "Ruth", "Ryan", "Samir", "Sandra",
    "Sean", "Shauna", "Sofia", "Stephen", "Sunita", "Tanya", "Tasha", "Teresa", "Thanh", "Tiffany",
    "Tina", "Tomas", "Trevor", "Tyler", "Valerie", "Victor", "Walter", "Wendy", "Yolanda", "Yuki",
)
LAST_NAMES = (
    "Abara", "Abbasi", "Ackerman", "Adeyemi", "Aguilar", "Alvarado", "Ames", "Appiah", "Ashby", "Bakker",
    "Banks", "Barnes", "Bell", "Benedetti", "Boateng", "Brandt", "Cabrera", "Caldwell", "Calloway", "Castillo",
    "Chavez", "Cho", "Cole", "Costa", "Cruz", "Dang", "Diallo", "Donnelly", "Duffy", "Dumas",
    "Ellis", "Estrada", "Eze", "Farouk", "Ferreira", "Fischer", "Fitzgerald", "Flores", "Gallagher", "Garza",
    "Goldberg", "Greer", "Gupta", "Haddad", "Harlow", "Harris", "Hart", "Hassan", "Hoang", "Howard",
    "Huang", "Hughes", "Ibrahim", "Iglesias", "Jensen", "Jordan", "Kapoor", "Karimi", "Kelly", "Kovacs",
    "Lam", "Levi", "Lindberg", "Lopez", "Mahmoud", "Marchetti", "McAllister", "Mehta", "Mensah", "Molina",
    "Moore", "Morales", "Moreno", "Morrison", "Murphy", "Nakamura", "Navarro", "Ng", "Nguyen", "Nolan",
    "Novak", "Nwosu", "Obi", "Ochoa", "Okafor", "Okoye", "Olsen", "Oyelaran", "Parrish", "Patel",
    "Pereira", "Petrova", "Pettit", "Pierre", "Pillai", "Prescott", "Price", "Pryce", "Pulaski", "Quinn",
    "Ramirez", "Ramos", "Raman", "Reed", "Rivera", "Romero", "Ruiz", "Russo", "Salinas", "Santos",
    "Schmidt", "Scott", "Shaikh", "Shaw", "Siddiqui", "Silva", "Singh", "Sokolova", "Sorensen", "Sullivan",
    "Tanaka", "Tate", "Thornton", "Torres", "Tran", "Vega", "Villanueva", "Vo", "Wang", "Whitfield",
    "Whitman", "Wilkins", "Wright", "Wu", "Yates", "Yilmaz", "Young", "Zhang", "Zimmerman", "Zuniga",
)
DM_LAST_NAMES = (
    "Ainsworth", "Bancroft", "Blackwell", "Carrington", "Caulfield", "Chamberlain", "Davenport", "Delacroix",
    "Ellsworth", "Fairbanks", "Fenwick", "Garrison", "Hadley", "Hale", "Harrington", "Hawthorne",
    "Kensington", "Lancaster", "Langford", "Lockhart", "Mansfield", "Merriweather", "Montague", "Northcott",
    "Pemberton", "Prescotte", "Pruitt", "Radcliffe", "Rutherford", "Sinclair", "Stanhope", "Sterling",
    "Thackeray", "Underhill", "Vanderberg", "Wainwright", "Westbrook", "Whitcombe", "Winslow", "Worthington",
)
ORGANIZER_LAST_NAMES = (
    "Achebe", "Baldwin", "Chavira", "Debs", "Flynn", "Guthrie", "Haywood", "Huerta",
    "Jones", "Lucero", "Mink", "Parsons", "Randolph", "Reuther", "Rustin", "Tenayuca",
)

SHIFTS = ("days", "evenings", "nights")
SHIFT_CUM = tuple(accumulate((45, 25, 30)))
ROLES = ("RN", "LPN", "CNA", "charge RN", "unit clerk", "patient care tech")
ROLE_CUM = tuple(accumulate((60, 8, 18, 7, 4, 3)))

# (group, issues, who is usually named for it). The first three issues are the shared core.
ISSUE_GROUPS = (
    ("staffing", ("short staffing", "mandatory overtime", "unsafe patient ratios", "lack of breaks",
                  "floating without orientation")),
    ("pay", ("pay compression", "unpaid missed breaks", "health insurance premiums", "shift differentials",
             "retirement match cuts")),
    ("safety", ("workplace violence", "broken lift equipment", "needlestick safety", "PPE shortages",
                "security staffing")),
    ("management", ("scheduling favoritism", "bullying by managers", "discipline without cause",
                    "discrimination in promotions", "sexual harassment")),
    ("facilities", ("parking costs", "broken break room", "childcare hours", "locker shortage",
                    "public transit access")),
    ("career", ("tuition reimbursement", "orientation time", "clinical ladder freeze", "preceptor pay",
                "continuing education")),
)
CORE = ("short staffing", "mandatory overtime", "unsafe patient ratios")
GROUP_OF = {issue: group for group, issues in ISSUE_GROUPS for issue in issues}
GROUP_ISSUES = dict(ISSUE_GROUPS)
ISSUES = tuple(issue for _, issues in ISSUE_GROUPS for issue in issues)
# Non-core issues, most common first; Zipf-like weights give a long tail.
OTHER_ISSUES = (
    "workplace violence", "lack of breaks", "pay compression", "parking costs", "scheduling favoritism",
    "broken lift equipment", "floating without orientation", "health insurance premiums", "bullying by managers",
    "PPE shortages", "unpaid missed breaks", "security staffing", "childcare hours", "orientation time",
    "shift differentials", "tuition reimbursement", "discipline without cause", "needlestick safety",
    "clinical ladder freeze", "broken break room", "retirement match cuts", "preceptor pay",
    "discrimination in promotions", "locker shortage", "public transit access", "continuing education",
    "sexual harassment",
)
OTHER_CUM = tuple(accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(len(OTHER_ISSUES))))
SPELLINGS = {  # a few case/spacing variants the store must normalize
    "short staffing": ("Short staffing", "short-staffing", "Short Staffing"),
    "mandatory overtime": ("Mandatory overtime", "mandatory-overtime"),
    "unsafe patient ratios": ("Unsafe patient ratios", "unsafe patient  ratios"),
}
# Who gets named for an issue group: (target, weight) pairs.
TARGETS = {
    "staffing": (("manager", 45), ("director", 30), ("vp", 25)),
    "pay": (("cfo", 50), ("hr", 35), ("ceo", 15)),
    "safety": (("director", 40), ("coo", 40), ("manager", 20)),
    "management": (("manager", 60), ("director", 30), ("hr", 10)),
    "facilities": (("coo", 60), ("director", 30), ("ceo", 10)),
    "career": (("hr", 50), ("director", 30), ("cno", 20)),
}
TARGET_CUM = {g: (tuple(t for t, _ in ts), tuple(accumulate(w for _, w in ts))) for g, ts in TARGETS.items()}

UNIT_TYPES = (  # (unit type, its local issues)
    ("ICU", ("pay compression", "PPE shortages")),
    ("Emergency", ("workplace violence", "security staffing")),
    ("Med-Surg", ("broken lift equipment", "lack of breaks")),
    ("Labor & Delivery", ("scheduling favoritism", "lack of breaks")),
    ("Oncology", ("pay compression", "PPE shortages")),
    ("Float Pool", ("floating without orientation", "scheduling favoritism")),
    ("Pediatrics", ("floating without orientation", "childcare hours")),
    ("Telemetry", ("lack of breaks", "floating without orientation")),
    ("Operating Room", ("needlestick safety", "bullying by managers")),
    ("Behavioral Health", ("workplace violence", "security staffing")),
    ("Rehab", ("broken lift equipment", "orientation time")),
    ("Dialysis", ("shift differentials", "parking costs")),
)
PLACES = (
    "Riverside", "Lakeview", "Mercy", "St. Agnes", "Good Samaritan", "Northgate", "Eastside", "Valley",
    "Harbor", "Summit", "Cedar Grove", "Westfield", "Holy Cross", "Parkland", "Bayshore", "Fairview",
    "Oak Hill", "Mission", "Pine Ridge", "Union", "Highland", "Brookside", "Kingsbridge", "Marigold",
)
KINDS = ("Hospital", "Medical Center", "Health Campus", "Community Hospital")
VPS = (
    ("cno", "Chief Nursing Officer"), ("coo", "Chief Operating Officer"), ("cfo", "Chief Financial Officer"),
    ("hr", "Vice President of Human Resources"), ("pcs", "Vice President of Patient Care Services"),
)
DIRECTOR_BOSSES = ("cno", "pcs", "cno", "coo")

ANGER_CORE = (1, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5)
ANGER_LOCAL = (1, 2, 2, 3, 3, 3, 4, 4, 5, 5)
ANGER_OTHER = (0, 1, 1, 2, 2, 2, 3, 3, 4, 5)
SETTINGS = ("break room", "phone call", "coffee shop", "parking lot", "home visit", "cafeteria",
            "video call", "walk after shift", "diner after shift", "bus stop")
SKILLS = ("spreadsheets", "public speaking", "social media", "graphic design", "writing", "cooking",
          "spanish translation", "tagalog translation", "photography", "event hosting", "data entry", "driving")
FEARS = ("retaliation", "retaliation", "retaliation", "losing shifts", "bad evaluations", "immigration status",
         "being seen as a troublemaker", "losing schedule flexibility")
TOOLS = ("breathing", "safety plan", "affirmations", "peer support", "know your rights sheet", "EAP referral")
ACTIONS = ("come to the next committee meeting", "sign the safe staffing petition",
           "collect petition signatures on the unit", "wear a button on the day of visibility",
           "join the delegation to management", "bring two coworkers to the meeting",
           "log staffing concerns for two weeks")
ASSIGNMENTS = ("record a moment of short staffing", "talk to two coworkers", "research the unit's vacancy numbers",
               "keep a log of missed breaks", "record a moment of inspiration", "bring a coworker to coffee")
STORIES = {
    "staffing": ("Happens most shifts on the unit.", "Patients waited too long for basic care.",
                 "Left the shift exhausted and worried about a patient.", "Nobody listened when it was reported."),
    "pay": ("Pay has not kept up with experience.", "New hires start close to senior pay.",
            "The paycheck is short of the hours worked."),
    "safety": ("Hurt on the job last month.", "A coworker was hurt and nothing changed.",
               "Reported weeks ago and still not fixed."),
    "management": ("The same people always get the good shifts.", "Written up for speaking up.",
                   "Passed over without an explanation."),
    "facilities": ("Costs eat into every paycheck.", "Nowhere decent to rest on breaks."),
    "career": ("Promised training that never came.", "Precepting new staff with no support."),
}
NOTES = ("Angry and hopeful; follow up soon.", "Cautious; needs to hear from coworkers first.",
         "Knows many people on the unit.", "Worried about management noticing.", "Wants to see a plan first.",
         "Ready to help.", "Skeptical of organizing.", "Short conversation; try again.")
REFERRAL_NOTES = ("also angry about staffing", "respected on the unit", "new, worth a conversation",
                  "knows everyone on the shift", "was there when it happened")
TIE_KINDS = ("friend", "carpool", "church")


PER_SITE = 25  # units per workplace
UNITS_PER_DIRECTOR = 5


class _Names:
    """Deterministic unique names: an affine permutation of first x last, then a numeric suffix."""

    def __init__(self, rng: random.Random, firsts: tuple[str, ...], lasts: tuple[str, ...]):
        self.firsts = list(firsts)
        self.lasts = list(lasts)
        rng.shuffle(self.firsts)
        rng.shuffle(self.lasts)
        self.size = len(self.firsts) * len(self.lasts)
        step = rng.randrange(1, self.size)
        while gcd(step, self.size) != 1:
            step += 1
        self.step, self.offset = step, rng.randrange(self.size)

    def __call__(self, index: int) -> str:
        rnd, k = divmod(index, self.size)
        first, last = divmod((k * self.step + self.offset) % self.size, len(self.lasts))
        name = f"{self.firsts[first]} {self.lasts[last]}"
        return name if rnd == 0 else f"{name} {rnd + 1}"


@dataclass
class _Org:
    """Workplaces, units, decision makers and organizers: everything that is per unit, not per person."""

    units: list[tuple[int, int]]  # contiguous [first, stop) person ranges
    unit_names: list[str]
    unit_types: list[int]
    sites: list[str]
    ceo: dict
    vps: dict[str, dict]
    directors: list[dict]
    director_vp: list[str]
    managers: list[dict]
    organizers: list[list[str]]
    hierarchy: list[tuple[dict, str]]  # (decision maker, name of their boss or "")


def _units(rng: random.Random, people: int) -> list[tuple[int, int]]:
    """Contiguous person ranges of 25..55 (about 40) people each."""
    bounds, start = [], 0
    while start < people:
        size = rng.randint(25, 55)
        if people - start - size < 15:
            size = people - start
        bounds.append((start, start + size))
        start += size
    return bounds


def _organization(rng: random.Random, people: int) -> _Org:
    """Units and workplaces, a CEO, VPs, one director per 5 units, one manager per unit, organizers."""
    dm_name = _Names(rng, FIRST_NAMES, DM_LAST_NAMES)
    organizer_name = _Names(rng, FIRST_NAMES, ORGANIZER_LAST_NAMES)
    system = f"{rng.choice(PLACES)} Health System"
    units = _units(rng, people)
    type_order = list(range(len(UNIT_TYPES)))
    rng.shuffle(type_order)
    unit_names, unit_types, per_type = [], [], [0] * len(UNIT_TYPES)
    for u in range(len(units)):
        t = type_order[u % len(type_order)]
        per_type[t] += 1
        unit_types.append(t)
        unit_names.append(f"{UNIT_TYPES[t][0]} {per_type[t]}")
    sites = []
    for w in range((len(units) + PER_SITE - 1) // PER_SITE):
        rnd, k = divmod(w, len(PLACES) * len(KINDS))
        name = f"{PLACES[k // len(KINDS)]} {KINDS[k % len(KINDS)]}"
        sites.append(name if rnd == 0 else f"{name} {rnd + 1}")

    hierarchy: list[tuple[dict, str]] = []

    def hire(title: str, organization: str, boss: str) -> dict:
        dm = {"name": dm_name(len(hierarchy)), "title": title, "organization": organization}
        hierarchy.append((dm, boss))
        return dm

    ceo = hire("Chief Executive Officer", system, "")
    vps = {key: hire(title, system, ceo["name"]) for key, title in VPS}
    directors, director_vp = [], []
    for d in range((len(units) + UNITS_PER_DIRECTOR - 1) // UNITS_PER_DIRECTOR):
        boss = DIRECTOR_BOSSES[d % len(DIRECTOR_BOSSES)]
        area = "Operations" if boss == "coo" else "Nursing"
        site = sites[d * UNITS_PER_DIRECTOR // PER_SITE]
        directors.append(hire(f"Director of {area}", site, vps[boss]["name"]))
        director_vp.append(boss)
    managers = [hire(f"Nurse Manager {unit_names[u]}", sites[u // PER_SITE],
                     directors[u // UNITS_PER_DIRECTOR]["name"]) for u in range(len(units))]
    organizers, hired = [], 0
    for _ in sites:
        team = [organizer_name(hired + k) for k in range(2 + rng.randrange(2))]
        hired += len(team)
        organizers.append(team)
    return _Org(units, unit_names, unit_types, sites, ceo, vps, directors, director_vp, managers,
                organizers, hierarchy)


class _Conversations:
    """Builds the 1-on-1 records of one campaign, remembering only which issues came up."""

    def __init__(self, rng: random.Random, org: _Org, campaign: str, start: date, weeks: int):
        self.rand, self.randrange = rng.random, rng.randrange
        self.org, self.campaign = org, campaign
        self.span = weeks * 7
        # due dates run up to three weeks past the last conversation
        self.days = [(start + timedelta(days=k)).isoformat() for k in range(self.span + 30)]
        self.issues_seen: set[str] = set()

    def profile(self, u: int, leaning: int) -> list[list]:
        """The issues one person cares about, as [canonical name, base anger] pairs."""
        rand, randrange = self.rand, self.randrange
        chosen: list[str] = []
        if rand() < 0.72:
            chosen.append(CORE[0])
        core = bool(chosen)
        if rand() < (0.62 if core else 0.2):
            chosen.append(CORE[1])
        if rand() < (0.55 if core else 0.18):
            chosen.append(CORE[2])
        local = UNIT_TYPES[self.org.unit_types[u]][1]
        if rand() < 0.45:
            issue = local[0] if rand() < 0.65 else local[1]
            if issue not in chosen:
                chosen.append(issue)
        if rand() < 0.35 or not chosen:
            issue = OTHER_ISSUES[bisect(OTHER_CUM, rand() * OTHER_CUM[-1])]
            if issue not in chosen:
                chosen.append(issue)
            if rand() < 0.3:  # issues come in correlated groups
                group = GROUP_ISSUES[GROUP_OF[issue]]
                partner = group[randrange(len(group))]
                if partner not in chosen:
                    chosen.append(partner)
        result = []
        for issue in chosen[:5]:
            pool = ANGER_CORE if issue in CORE else ANGER_LOCAL if issue in local else ANGER_OTHER
            anger = pool[randrange(len(pool))]
            result.append([issue, max(0, anger - 3) if leaning < 0 else anger])
        return result

    def decision_maker(self, issue: str, u: int) -> dict:
        """Who this person names for `issue`: someone up their unit's chain, or an executive."""
        targets, cum = TARGET_CUM[GROUP_OF[issue]]
        target = targets[bisect(cum, self.rand() * cum[-1])]
        org, director = self.org, u // UNITS_PER_DIRECTOR
        if target == "manager":
            return org.managers[u]
        if target == "director":
            return org.directors[director]
        if target == "vp":
            return org.vps[org.director_vp[director]]
        if target == "ceo":
            return org.ceo
        return org.vps[target]

    def record(self, contact: dict, u: int, when: int, visit: int, leaning: int, issues: list[list],
               organizer: str, referral_pool: list[tuple[str, str]]) -> dict:
        """One conversation; `visit` 0 is the first, later visits go further and feel more hope."""
        rand, randrange, days = self.rand, self.randrange, self.days
        slug = contact["name"].lower().replace(" ", "-")
        rec = {"id": f"{days[when]}-{slug}", "date": days[when], "organizer": organizer,
               "campaign": self.campaign, "contact": contact,
               "space": {"setting": SETTINGS[randrange(len(SETTINGS))],
                         "listening_share": round(0.5 + 0.45 * rand(), 2)}}
        mentions = []
        for issue, base in issues:
            group = GROUP_OF[issue]
            shown = issue
            if issue in SPELLINGS and rand() < 0.03:
                variants = SPELLINGS[issue]
                shown = variants[randrange(len(variants))]
            stories = STORIES[group]
            mentions.append({"issue": shown, "anger": min(5, max(0, base + (randrange(3) - 1 if visit else 0))),
                             "story": stories[randrange(len(stories))],
                             "witnessed_harm": rand() < (0.25 if group in ("safety", "management") else 0.05)})
            self.issues_seen.add(issue)
        rec["issues"] = mentions
        stage = 5 if visit else (2, 3, 4, 5, 5, 5, 5, 5, 4, 3)[randrange(10)]  # how far the rap got
        if leaning < 0 and rand() < 0.5:
            stage = min(stage, 3)
        if stage >= 3:
            named = [{"issue": issue, "decision_maker": self.decision_maker(issue, u)}
                     for issue, _ in issues[: 1 + randrange(2)]]
            rec["responsibility"] = {
                "named": named,
                "realizes": {"cares_about_problem": leaning >= 0 or rand() < 0.3,
                             "decision_maker_can_fix": rand() < 0.8,
                             "wont_fix_without_pressure": leaning > 0 and rand() < 0.6 + 0.15 * visit},
            }
        response, hope = None, 0
        if stage >= 4:
            if leaning < 0:
                hope = randrange(2)
            else:
                hope = min(5, (1 + randrange(3) if leaning == 0 else 2 + randrange(4)) + visit)
            rec["plan"] = {"hope": hope, "skills": [SKILLS[randrange(len(SKILLS))] for _ in range(randrange(3))],
                           "wants_to_talk_again": leaning >= 0 and rand() < 0.85,
                           "will_attend_meeting": hope >= 3 and rand() < 0.7}
            if stage == 4:
                response = "not_asked"
                rec["ask"] = {"asked": False, "response": response}
            else:
                response = self._response(leaning, hope)
                fears: list[str] = []
                if response != "yes" or rand() < 0.25:
                    for _ in range(1 + (rand() < 0.3)):
                        fear = FEARS[randrange(len(FEARS))]
                        if fear not in fears:
                            fears.append(fear)
                rec["ask"] = {"asked": True, "action": ACTIONS[randrange(len(ACTIONS))], "response": response,
                              "due": days[when + 3 + randrange(19)], "fears": fears}
        angry = any(anger >= 4 for _, anger in issues)
        if angry or response in ("maybe", "no"):
            rec["self_care"] = {"tools_offered": [TOOLS[randrange(len(TOOLS))] for _ in range(1 + (rand() < 0.3))]}
        follow: dict = {"thank_you_sent": rand() < 0.7}
        if response in ("yes", "maybe"):
            follow = {"assignment": ASSIGNMENTS[randrange(len(ASSIGNMENTS))],
                      "due": days[when + 2 + randrange(13)], **follow}
        rec["follow_up"] = follow
        if referral_pool and stage >= 3 and rand() < 0.6:
            refs: list[dict] = []
            for _ in range(1 + randrange(min(3, len(referral_pool)))):
                name, relationship = referral_pool[randrange(len(referral_pool))]
                if all(r["name"] != name for r in refs):
                    refs.append({"name": name, "unit": contact["unit"], "relationship": relationship,
                                 "note": REFERRAL_NOTES[randrange(len(REFERRAL_NOTES))]})
            rec["referrals"] = refs
        rec["assessment"] = self._assessment(leaning, response, hope, angry)
        rec["notes"] = NOTES[randrange(len(NOTES))]
        return rec

    def _response(self, leaning: int, hope: int) -> str:
        roll = self.rand()
        if leaning < 0:
            return "no" if roll < 0.85 else "maybe"
        yes = min(0.85, 0.1 + 0.15 * hope)
        return "yes" if roll < yes else "maybe" if roll < yes + (1 - yes) * 0.6 else "no"

    def _assessment(self, leaning: int, response: str | None, hope: int, angry: bool) -> int:
        """The organizer's 1 (leader) .. 5 (opposed) rating."""
        if leaning < 0:
            return 4 + (self.rand() < 0.4)
        if response == "yes":
            return 1 if hope >= 4 else 2
        if response == "maybe":
            return 2 + (self.rand() < 0.5)
        if response == "no":
            return 3 + (self.rand() < 0.4)
        return 2 if angry and leaning > 0 else 3


def _unit_ties(rng: random.Random, shifts: list[str]) -> tuple[list[tuple[int, int, str]], list[list[tuple[int, str]]]]:
    """Preferential attachment inside one unit, so a few organic leaders gather many ties.

    Returns the ties as (later person, earlier person, relationship) and the adjacency lists.
    """
    rand, randrange = rng.random, rng.randrange
    edges: list[tuple[int, int, str]] = []
    adjacency: list[list[tuple[int, str]]] = [[] for _ in shifts]
    endpoints: list[int] = []
    for k in range(1, len(shifts)):
        wanted = min(k, 1 + (rand() < 0.5))
        targets: list[int] = []
        for _ in range(wanted * 3):
            if len(targets) == wanted:
                break
            t = endpoints[randrange(len(endpoints))] if endpoints and rand() < 0.8 else randrange(k)
            if t not in targets:
                targets.append(t)
        for t in targets:
            if rand() < 0.25:
                relationship = TIE_KINDS[randrange(len(TIE_KINDS))]
            else:
                relationship = "same shift" if shifts[k] == shifts[t] else "coworker"
            edges.append((k, t, relationship))
            adjacency[k].append((t, relationship))
            adjacency[t].append((k, relationship))
            endpoints += (k, t)
    return edges, adjacency


def _write_unit(u: int, org: _Org, rng: random.Random, worker_name: _Names, conversations: _Conversations,
                hubs: list[int], roster_w, ties_w, conv_f) -> tuple[int, int]:
    """Write one unit's roster rows, ties and conversations; return (ties, conversations) written."""
    rand, randrange = rng.random, rng.randrange
    first, stop = org.units[u]
    size = stop - first
    site, unit, campaign = org.sites[u // PER_SITE], org.unit_names[u], conversations.campaign
    names = [worker_name(p) for p in range(first, stop)]
    shifts = [SHIFTS[bisect(SHIFT_CUM, rand() * 100)] for _ in range(size)]
    roles = [ROLES[bisect(ROLE_CUM, rand() * 100)] for _ in range(size)]
    roster_w.writerows((names[k], site, unit, shifts[k], roles[k], campaign) for k in range(size))

    edges, adjacency = _unit_ties(rng, shifts)
    tie_rows = [(names[k], names[t], rel, campaign) for k, t, rel in edges]
    if u:  # a few bridges to earlier units, usually to that unit's best-connected person
        for k in range(size):
            if rand() < 0.12:
                near = u - 1 - randrange(min(u, PER_SITE))
                a, b = org.units[near]
                other = hubs[near] if rand() < 0.5 else a + randrange(b - a)
                tie_rows.append((names[k], worker_name(other), TIE_KINDS[randrange(len(TIE_KINDS))], campaign))
    ties_w.writerows(tie_rows)
    hubs.append(first + max(range(size), key=lambda k: len(adjacency[k])))

    # About 40% are contacted; leaning -1 opposed, 0 undecided, 1 supportive.
    contacted = [rand() < 0.4 for _ in range(size)]
    never = [(names[k], "coworker") for k in range(size) if not contacted[k]]
    team = org.organizers[u // PER_SITE]
    span = conversations.span
    lines = []
    for k in range(size):
        if not contacted[k]:
            continue
        roll = rand()
        leaning = -1 if roll < 0.08 else 0 if roll < 0.45 else 1
        visits = 1 if rand() < 0.8 else 2 + (rand() < 0.3)
        gaps = [7 + randrange(15) for _ in range(visits - 1)]
        if sum(gaps) > span - 1:
            visits = min(visits, span)
            gaps = [1] * (visits - 1)
        when = randrange(span - sum(gaps))
        contact = {"name": names[k]}
        if rand() < 0.7:
            contact["phone"] = f"+1 555 01{randrange(100):02d}"
        if rand() < 0.6:
            contact["email"] = names[k].lower().replace(" ", ".") + "@example.org"
        contact.update(workplace=site, unit=unit, shift=shifts[k], role=roles[k])
        referral_pool = [(names[t], rel) for t, rel in adjacency[k] if not contacted[t]] or never
        issues = conversations.profile(u, leaning)
        organizer = team[(k + u) % len(team)]
        for visit in range(visits):
            if visit:
                when += gaps[visit - 1]
                if leaning == 0 and rand() < 0.5:
                    leaning = 1
                if rand() < 0.1:
                    organizer = team[randrange(len(team))]
            rec = conversations.record(contact, u, when, visit, leaning, issues, organizer, referral_pool)
            lines.append(_dumps(rec))
    if lines:
        conv_f.write("\n".join(lines) + "\n")
    return len(tie_rows), len(lines)


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def generate_campaign(
    out_dir: Path,
    people: int,
    seed: int = 0,
    campaign: str = "synthetic",
    start: date = date(2026, 6, 1),
    weeks: int = 16,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Write a synthetic campaign of `people` workers, one unit at a time.

    Parameters
    ----------
    out_dir : Path
        Directory to write ``conversations.jsonl``, ``roster.csv``, ``hierarchy.csv`` and
        ``ties.csv`` into (created if missing, files overwritten).
    people : int
        Number of workers on the roster (>= 1). About 40% are contacted, and about 20% of
        those have 2-3 conversations.
    seed : int, optional
        Random seed. The same arguments give byte-identical files.
    campaign : str, optional
        Campaign id written into every record and row.
    start : date, optional
        First possible conversation date.
    weeks : int, optional
        Length of the campaign; conversations fall in ``[start, start + weeks)``.
    progress : callable, optional
        Called with the number of people written so far, about every 10,000 people and at the end.

    Returns
    -------
    dict
        Counts: ``people``, ``conversations``, ``roster`` (rows), ``ties`` (rows),
        ``decision_makers`` (hierarchy rows) and ``issues`` (distinct issues mentioned).

    Notes
    -----
    Memory stays bounded by one unit (about 40 people) plus one small entry per unit and per
    decision maker, so a million people stream straight to disk.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     counts = generate_campaign(Path(tmp), people=50, seed=1)
    ...     lines = (Path(tmp) / "conversations.jsonl").read_text().count("\\n")
    >>> sorted(counts)
    ['conversations', 'decision_makers', 'issues', 'people', 'roster', 'ties']
    >>> counts["people"], counts["roster"], counts["conversations"] == lines
    (50, 50, True)
    """
    if people < 1:
        raise ValueError(f"people must be at least 1, got {people}")
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    worker_name = _Names(rng, FIRST_NAMES, LAST_NAMES)
    org = _organization(rng, people)
    conversations = _Conversations(rng, org, campaign, start, weeks)
    counts = {"people": people, "conversations": 0, "roster": people, "ties": 0,
              "decision_makers": len(org.hierarchy), "issues": 0}

    with open(out_dir / "hierarchy.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv_writer(f)
        writer.writerow(("name", "title", "organization", "reports_to", "campaign"))
        writer.writerows((dm["name"], dm["title"], dm["organization"], boss, campaign) for dm, boss in org.hierarchy)

    with open(out_dir / "conversations.jsonl", "w", encoding="utf-8", newline="\n") as conv_f, \
            open(out_dir / "roster.csv", "w", encoding="utf-8", newline="") as roster_f, \
            open(out_dir / "ties.csv", "w", encoding="utf-8", newline="") as ties_f:
        roster_w = csv_writer(roster_f)
        ties_w = csv_writer(ties_f)
        roster_w.writerow(("name", "workplace", "unit", "shift", "role", "campaign"))
        ties_w.writerow(("person", "other", "relationship", "campaign"))
        hubs: list[int] = []  # best-connected person of each finished unit
        reported = 0
        for u in range(len(org.units)):
            ties, convs = _write_unit(u, org, rng, worker_name, conversations, hubs, roster_w, ties_w, conv_f)
            counts["ties"] += ties
            counts["conversations"] += convs
            stop = org.units[u][1]
            if progress is not None and (stop - reported >= 10_000 or stop == people):
                reported = stop
                progress(stop)
    counts["issues"] = len(conversations.issues_seen)
    return counts
