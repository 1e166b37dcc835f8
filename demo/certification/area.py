"""``_AreaSeeder``, which makes one demo area's dossier, oldest first: its certificates, then the
yearly cycle (schouws, meetings, annual reports), the surveys and safety analyses, then the
measures matrix; each area draws from a generator of its own.
"""

import random
from datetime import date, timedelta

from django.core.files.base import ContentFile

from certification import services as dossier
from demo.certification.pdfs import _certificate_html, _item_html
from demo.certification.tables import (
    ALL_PARTNERS,
    CONCERNS,
    CYCLE_YEARS,
    DEKRA,
    DOCUMENT_AREA,
    DOCUMENT_KINDS,
    EXTRA_MEETING_NOTES,
    FINDINGS,
    INSPECTION_CLOSING,
    KIWA,
    KVO_4_SINCE,
    MEASURES,
    MEETING_NOTES,
    NOTE_NEEDS,
    PARTNER_NAMES,
    SHOP_COUNTS,
    STREETS,
    K,
    P,
    Status,
)
from demo.merchants import DEMO_SEED
from merchants.models import AreaKind
from plumbing.dates import add_months
from plumbing.pdf import html_to_pdf


class _AreaSeeder:
    """One area's dossier, oldest first: certificates, then the cycle, then the matrix."""

    def __init__(self, area, plan, actor, today, stored):
        self.area, self.plan, self.actor, self.today = area, plan, actor, today
        self.stored = stored
        self.rng = random.Random(f"{DEMO_SEED}:dossier:{area.name}")  # noqa: S311 (demo data)
        self.kind = area.kind
        self.streets = STREETS[area.name]
        self.counts = {"certificates": 0, "items": 0, "matrix": 0, "documents": 0}
        self.meetings = []
        self.certificates = []
        self.with_documents = area.name == DOCUMENT_AREA

    def run(self) -> dict:
        if self.plan.gap == "preparing":
            self._prepare_first_certification()
            return self.counts
        self._certificates()
        first = self.certificates[0].issued_on
        # Active until today; a lapsed area stopped meeting a while before its certificate ended.
        stop = add_months(self.today, -14) if self.plan.gap == "lapsed" else self.today
        start = max(add_months(first, -9), date(self.today.year - CYCLE_YEARS + 1, 1, 1))
        steps = self._cycle(start, stop) + self._surveys() + self._analyses()
        steps.sort(key=lambda step: step[1])
        latest = {
            kind: max((s for s in steps if s[0] == kind), key=lambda s: s[1], default=None)
            for kind in DOCUMENT_KINDS
        }
        for step in steps:
            document = latest.get(step[0]) is step and self.with_documents
            self._add(*step, document=document)
        if self.plan.gap != "lapsed":
            self._matrix()
        return self.counts

    # --- certificates ---------------------------------------------------------------------------

    def _certificates(self):
        """The last certificate ``months_ago``, and the ones before it, one star fewer every three
        years, each starting the day after the previous one ended."""
        last = add_months(self.today, -self.plan.months_ago) - timedelta(
            days=self.rng.randint(0, 20)
        )
        issued = [add_months(last, -36 * n) for n in range(self.plan.stars - 1, -1, -1)]
        other = DEKRA if self.plan.body == KIWA else KIWA
        for stars, issued_on in enumerate(issued, start=1):
            current = stars == self.plan.stars
            body = self.plan.body if current or self.rng.random() < 0.75 else other
            valid_until = None if current else issued[stars] - timedelta(days=1)
            document = None
            if current and self.with_documents:
                document = self._pdf(
                    "certificaat",
                    _certificate_html(self.area, stars, issued_on, valid_until, body),
                )
            certificate = dossier.add_certificate(
                self.area,
                actor=self.actor,
                stars=stars,
                issued_on=issued_on,
                valid_until=valid_until,
                certifying_body=body,
                scheme_version="KVO 4.0" if issued_on >= KVO_4_SINCE else "KVO 3.0",
                document=document,
            )
            self._keep(certificate.document)
            self.certificates.append(certificate)
            self.counts["certificates"] += 1

    # --- the yearly cycle -----------------------------------------------------------------------

    def _cycle(self, start, stop):
        """Schouws, meetings and annual reports from ``start`` to ``stop``, as (kind, day, title,
        notes, attendance) tuples."""
        steps = []
        for year in range(start.year, stop.year + 1):
            first, last = max(start, date(year, 1, 1)), min(stop, date(year, 12, 31))
            if first > last:
                continue
            this_year = year == self.today.year
            if not (this_year and self.plan.gap == "inspection"):
                steps.append(self._inspection(year, first, last))
            steps += self._meetings(year, first, last)
            report_on = self._weekday_between(date(year + 1, 2, 1), date(year + 1, 4, 30))
            skip_report = self.plan.gap == "annual_report" and year + 1 >= self.today.year - 1
            if start <= report_on <= stop and not skip_report:
                steps.append(
                    (
                        K.ANNUAL_REPORT,
                        report_on,
                        f"Jaarverslag KVO {self.area.name} {year}",
                        self._report_notes(year),
                        [],
                    )
                )
        return steps

    def _inspection(self, year, first, last):
        # This year's schouw any day so far; earlier ones between spring and autumn.
        low, high = max(first, date(year, 3, 1)), min(last, date(year, 10, 31))
        if year == self.today.year or low > high:
            low, high = first, last
        day = self._weekday_between(low, high)
        findings = [
            finding.format(street=self.rng.choice(self.streets))
            for finding in self.rng.sample(FINDINGS[self.kind], self.rng.randint(2, 3))
        ]
        notes = "; ".join(findings)
        notes = f"{notes[0].upper()}{notes[1:]}. {self.rng.choice(INSPECTION_CLOSING)}"
        return (K.INSPECTION, day, f"Schouw {self.area.name} {year}", notes, [])

    def _meetings(self, year, first, last):
        """Three or four a year, the fire brigade now and then absent; in a year's first weeks,
        before the first planned meeting, a start-of-year meeting so the year is not empty."""
        slots = [date(year, month, 1) for month in (2, 5, 9, 11)]
        if self.rng.random() < 0.35:
            slots.pop(self.rng.randrange(len(slots)))
        days = [d + timedelta(days=self.rng.randint(0, 24)) for d in slots]
        days = [self._weekday_between(d, d + timedelta(days=4)) for d in days]
        days = [d for d in days if first <= d <= last]
        if not days and year == self.today.year and last == self.today:
            days = [self._weekday_between(first, last)]
        notes_pool = MEETING_NOTES[self.kind] + EXTRA_MEETING_NOTES.get(self.area.name, ())
        meetings = []
        for number, day in enumerate(days, start=1):
            present = [p for p in ALL_PARTNERS if p != P.FIRE_BRIGADE or self.rng.random() < 0.7]
            if self.rng.random() < 0.1:
                present.remove(P.POLICE)
            meetings.append([day, number, present])
        if self.plan.gap == "fire_brigade" and year == self.today.year:
            for meeting in meetings:
                meeting[2] = [p for p in meeting[2] if p != P.FIRE_BRIGADE]
        elif meetings:
            # Every partner at least once a year: the audit checks it.
            for partner in ALL_PARTNERS:
                if not any(partner in m[2] for m in meetings):
                    meetings[0][2] = [
                        p for p in ALL_PARTNERS if p in meetings[0][2] or p == partner
                    ]
        steps = []
        for day, number, present in meetings:
            fitting = [
                note
                for note in notes_pool
                if all(p in present for word, p in NOTE_NEEDS.items() if word in note)
            ]
            notes = " ".join(self.rng.sample(fitting, 2))
            absent = [PARTNER_NAMES[p] for p in ALL_PARTNERS if p not in present]
            if absent:
                notes += f" Afwezig met bericht: {', '.join(absent)}."
            steps.append(
                (K.MEETING, day, f"{number}e KVO-overleg {self.area.name} {year}", notes, present)
            )
        return steps

    def _report_notes(self, year):
        done, running = self.rng.randint(3, 7), self.rng.randint(1, 4)
        verb = "loopt" if running == 1 else "lopen"
        return (
            f"Vastgesteld in het eerste KVO-overleg van {year + 1}. {done} maatregelen uit de "
            f"matrix afgerond in {year}, {running} {verb} door. Schouw en overleggen volgens plan."
        )

    # --- every three years: survey and safety analysis ------------------------------------------

    def _surveys(self):
        """The latest survey, within three years (older in the "survey" gap), and the one three
        years before it if the area was certified then, for the trend."""
        first_certificate = self.certificates[0].issued_on
        if self.plan.gap in ("survey", "lapsed"):
            latest = add_months(self.today, -self.rng.randint(38, 44))
        else:
            # A newly certified area held its first survey while preparing.
            latest = max(
                add_months(self.today, -self.rng.randint(4, 30)), add_months(first_certificate, -6)
            )
        days = [latest]
        if add_months(latest, -36) >= first_certificate:
            days.insert(0, add_months(latest, -36))
        steps, previous = [], None
        for day in days:
            day = self._weekday_between(day, day + timedelta(days=4))
            safe = (
                self.rng.randint(55, 72) if previous is None else previous + self.rng.randint(2, 9)
            )
            notes = self._survey_notes(safe, previous)
            steps.append(
                (K.SURVEY, day, f"Ondernemersenquête {self.area.name} {day.year}", notes, [])
            )
            previous = safe
        return steps

    def _survey_notes(self, safe, previous):
        shops = SHOP_COUNTS[self.area.name]
        answered = max(3, round(shops * self.rng.uniform(0.45, 0.72)))
        who = "bedrijven" if self.kind == AreaKind.BUSINESS_PARK else "ondernemers"
        offence = "inbraak of diefstal" if self.kind == AreaKind.BUSINESS_PARK else "diefstal"
        trend = f" (vorige enquête: {previous}%)" if previous is not None else ""
        concerns = self.rng.sample(CONCERNS[self.kind], 3)
        return (
            f"{safe}% van de {who} voelt zich veilig{trend}; {self.rng.randint(30, 62)}% deed "
            f"aangifte bij de laatste {offence}. Grootste zorgen: {', '.join(concerns)}. "
            f"Respons {answered} van {shops} {who}."
        )

    def _analyses(self):
        """A safety analysis before each of the last two certificates, each compared with the one
        before it, and a new one for the recertification when the certificate ends soon."""
        days = [
            certificate.issued_on - timedelta(days=self.rng.randint(20, 75))
            for certificate in self.certificates[-2:]
        ]
        ends_soon = self.certificates[-1].valid_until <= add_months(self.today, 6)
        if ends_soon and self.plan.gap != "lapsed":
            days.append(self.today - timedelta(days=self.rng.randint(10, 50)))
        steps, previous = [], None
        for day in days:
            day = self._weekday_between(day, day + timedelta(days=4))
            steps.append(self._analysis(day, previous))
            previous = day
        return steps

    def _analysis(self, day, previous, title_suffix=""):
        if self.kind == AreaKind.BUSINESS_PARK:
            main, share = "inbraak in bedrijfspanden", self.rng.randint(35, 55)
            others = ("diefstal van materieel", "illegale stort")
            when = self.rng.choice(("'s nachts", "in het weekend", "in de bouwvakvakantie"))
        else:
            main, share = "winkeldiefstal", self.rng.randint(45, 70)
            others = ("overlast van jongeren", "fietsendiefstal")
            when = self.rng.choice(("op zaterdag", "op koopavonden", "rond sluitingstijd"))
        notes = f"Grootste probleem: {main} ({share}% van de incidenten), vooral {when}."
        if previous is not None:
            changes = ", ".join(
                f"{subject} {self.rng.randint(-18, 6):+d}%" for subject in (main, *others)
            )
            notes += f" Vergeleken met de analyse van {previous.year}: {changes}."
        title = f"Veiligheidsanalyse {self.area.name} {day.year}{title_suffix}"
        return (K.SAFETY_ANALYSIS, day, title, notes, [])

    # --- an area preparing its first certificate ------------------------------------------------

    def _prepare_first_certification(self):
        kickoff = self.today - timedelta(days=self.rng.randint(40, 70))
        label = "KVO-B" if self.kind == AreaKind.BUSINESS_PARK else "KVO-W"
        self._add(
            K.MEETING,
            self._weekday_between(kickoff, kickoff + timedelta(days=4)),
            f"Startbijeenkomst KVO {self.area.name}",
            f"Besloten om met {label} te starten. De gemeente laat een veiligheidsanalyse maken; "
            "de ondernemers werven deelnemers. De brandweer sluit bij het volgende overleg aan.",
            [P.MUNICIPALITY, P.ENTREPRENEURS, P.POLICE],
        )
        analysis = self.today - timedelta(days=self.rng.randint(8, 25))
        self._add(
            *self._analysis(
                self._weekday_between(analysis, analysis + timedelta(days=4)),
                None,
                " (nulmeting)",
            )
        )

    # --- the measures matrix --------------------------------------------------------------------

    def _matrix(self):
        """4 to 8 lines, due from five months ago to eight months ahead; most of the lines that
        were due are done, a few are overdue; most were agreed at a meeting in the year before."""
        for template, theme, owner in self.rng.sample(MEASURES[self.kind], self.rng.randint(4, 8)):
            measure = template.format(street=self.rng.choice(self.streets))
            due_on = self.today + timedelta(days=self.rng.randint(-150, 240))
            if due_on < self.today:
                statuses, weights = (
                    (Status.DONE, Status.IN_PROGRESS, Status.PLANNED, Status.DROPPED),
                    (55, 25, 8, 12),
                )
            else:
                statuses, weights = (Status.PLANNED, Status.IN_PROGRESS, Status.DONE), (50, 40, 10)
            status = self.rng.choices(statuses, weights)[0]
            agreed_by = min(self.today, due_on - timedelta(days=21))
            agreed = [
                m for m in self.meetings if due_on - timedelta(days=400) <= m.held_on <= agreed_by
            ]
            meeting = self.rng.choice(agreed) if agreed and self.rng.random() < 0.7 else None
            dossier.save_safety_measure(
                self.area,
                actor=self.actor,
                description=measure,
                theme=theme,
                owner=owner,
                status=status,
                due_on=due_on,
                meeting=meeting,
            )
            self.counts["matrix"] += 1

    # --- helpers --------------------------------------------------------------------------------

    def _add(self, kind, day, title, notes, attendance, *, document=False):
        pdf = None
        if document:
            pdf = self._pdf(kind, _item_html(self.area, kind, day, title, notes, attendance))
        item = dossier.add_item(
            self.area,
            actor=self.actor,
            kind=kind,
            held_on=day,
            title=title,
            notes=notes,
            attendance=attendance,
            document=pdf,
            today=self.today,
        )
        self._keep(item.document)
        if kind == K.MEETING:
            self.meetings.append(item)
        self.counts["items"] += 1
        return item

    def _pdf(self, name, page):
        self.counts["documents"] += 1
        return ContentFile(html_to_pdf(page), name=f"{name}.pdf")

    def _keep(self, field):
        if field.name:
            self.stored.append(field.name)

    def _weekday_between(self, first, last):
        """A working day from ``first`` to ``last``; a weekend day when the range has none."""
        day = first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))
        for shift in (0, 1, 2, -1, -2):
            candidate = day + timedelta(days=shift)
            if candidate.weekday() < 5 and first <= candidate <= last:
                return candidate
        return day
