"""The people of the demo: Vietnamese names, valid and unique ID numbers, phones, addresses.

Drawn from the tables of :mod:`tthc_desk.services.demo_data` with the generator's random source,
so the same seed gives the same people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from tthc_desk.domain.office import OfficeProfile
from tthc_desk.domain.text import fold
from tthc_desk.services.demo_data import (
    FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    FEMALE_SECOND_MIDDLE,
    MALE_GIVEN,
    MALE_MIDDLE,
    PHONE_PREFIXES,
    PROVINCE_CODES,
    STREETS,
)


@dataclass(slots=True)
class DemoPerson:
    full_name: str
    folded_name: str
    id_number: str
    birth_date: date
    phone: str
    address: str
    email: str
    applicant_id: int | None = None  # set when the applicants row is written


def cumulative(pairs: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    """Names and cumulative weights, as ``random.choices(cum_weights=…)`` takes them."""
    names = [p[0] for p in pairs]
    cum: list[float] = []
    total = 0.0
    for _, w in pairs:
        total += w
        cum.append(total)
    return names, cum


def commune(office: OfficeProfile) -> tuple[str, str, str]:
    """("phường", "Đồng Nguyên", "tỉnh Bắc Ninh") from the office profile."""
    authority = office.parent_authority.upper()
    unit = "phường" if "PHƯỜNG" in authority else "thị trấn" if "THỊ TRẤN" in authority else "xã"
    province = office.province
    if province[:1].isupper():
        province = province[:1].lower() + province[1:]
    return unit, office.place_name, province


class People:
    """Makes people; ID numbers are unique by construction, never drawn twice."""

    def __init__(self, rng: random.Random, office: OfficeProfile, taken: set[str]) -> None:
        self._rng = rng
        self._taken = taken
        self._family = cumulative(FAMILY_NAMES)
        self._male_middle = cumulative(MALE_MIDDLE)
        self._female_middle = cumulative(FEMALE_MIDDLE)
        self._provinces = cumulative(PROVINCE_CODES)
        # The last six digits run through a permutation of 0..999999 per prefix, so two people
        # never share an ID number without a set of every number drawn so far.
        self._next_serial: dict[str, int] = {}
        self._serial_offset = rng.randrange(1_000_000)
        self._folded: dict[str, str] = {}
        unit, place, province = commune(office)
        self._commune = f"{unit} {place}, {province}" if province else f"{unit} {place}"
        self._hamlet = "Khu phố" if unit == "phường" else "Thôn"

    def make(self, on: date) -> DemoPerson:
        rng = self._rng
        female = rng.random() < 0.52
        full_name = self._name(female)
        folded = self._folded.get(full_name)
        if folded is None:
            folded = self._folded[full_name] = fold(full_name)
        # Adults coming to the counter: most between 22 and 65.
        age = min(90, max(18, int(rng.gauss(40, 13))))
        birth = date(on.year - age, 1, 1) + timedelta(days=rng.randrange(365))
        return DemoPerson(
            full_name=full_name,
            folded_name=folded,
            id_number=self._id_number(birth, female),
            birth_date=birth,
            phone=self._phone() if rng.random() < 0.88 else "",
            address=self._address(),
            email=self._email(folded) if rng.random() < 0.12 else "",
        )

    def _name(self, female: bool) -> str:
        rng = self._rng
        family = rng.choices(self._family[0], cum_weights=self._family[1])[0]
        middle_names = self._female_middle if female else self._male_middle
        middle = rng.choices(middle_names[0], cum_weights=middle_names[1])[0]
        given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
        if female and middle == "Thị" and rng.random() < 0.2:
            middle = f"Thị {rng.choice(FEMALE_SECOND_MIDDLE)}"
        return f"{family} {middle} {given}"

    def _id_number(self, birth: date, female: bool) -> str:
        # CCCD: province (3) + century/sex (0/1: 1900s male/female, 2/3: 2000s) + year (2) + 6.
        province = self._rng.choices(self._provinces[0], cum_weights=self._provinces[1])[0]
        century = (0 if birth.year < 2000 else 2) + (1 if female else 0)
        prefix = f"{province}{century}{birth.year % 100:02d}"
        while True:
            k = self._next_serial.get(prefix, 0)
            self._next_serial[prefix] = k + 1
            if k >= 1_000_000:
                raise RuntimeError(f"no ID numbers left for prefix {prefix}")
            # 618031 is prime to 10**6, so k -> serial is a permutation of 0..999999.
            serial = (self._serial_offset + k * 618_031) % 1_000_000
            number = f"{prefix}{serial:06d}"
            if number not in self._taken:
                return number

    def _phone(self) -> str:
        return f"{self._rng.choice(PHONE_PREFIXES)}{self._rng.randrange(10_000_000):07d}"

    def _address(self) -> str:
        rng = self._rng
        if rng.random() < 0.55:
            return f"Số {rng.randint(1, 250)} đường {rng.choice(STREETS)}, {self._commune}"
        return f"{self._hamlet} {rng.randint(1, 14)}, {self._commune}"

    def _email(self, folded_name: str) -> str:
        parts = folded_name.split()
        return f"{parts[-1]}.{parts[0]}{self._rng.randint(1, 999)}@gmail.com"
