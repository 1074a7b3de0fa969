"""GST state codes and the PIN-code prefixes that belong to each state.

Our own table (python-stdnum 2.2 rejects 38 Ladakh and 97 Other Territory). The PIN
ranges are first-three-digit ranges as the IRP checks them (error 2178); a state with
no ranges (96, 97) accepts any PIN.
"""

from __future__ import annotations

from types import MappingProxyType

# code -> (name, ((first3_lo, first3_hi), ...))
_STATES: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {
    "01": ("Jammu and Kashmir", ((180, 194),)),
    "02": ("Himachal Pradesh", ((171, 177),)),
    "03": ("Punjab", ((140, 160),)),
    "04": ("Chandigarh", ((140, 140), (160, 160))),
    "05": ("Uttarakhand", ((244, 263),)),
    "06": ("Haryana", ((121, 136),)),
    "07": ("Delhi", ((110, 110),)),
    "08": ("Rajasthan", ((301, 345),)),
    "09": ("Uttar Pradesh", ((201, 285),)),
    "10": ("Bihar", ((800, 855),)),
    "11": ("Sikkim", ((737, 737),)),
    "12": ("Arunachal Pradesh", ((790, 792),)),
    "13": ("Nagaland", ((797, 798),)),
    "14": ("Manipur", ((795, 795),)),
    "15": ("Mizoram", ((796, 796),)),
    "16": ("Tripura", ((799, 799),)),
    "17": ("Meghalaya", ((793, 794),)),
    "18": ("Assam", ((781, 788),)),
    "19": ("West Bengal", ((700, 743),)),
    "20": ("Jharkhand", ((813, 835),)),
    "21": ("Odisha", ((751, 770),)),
    "22": ("Chhattisgarh", ((490, 497),)),
    "23": ("Madhya Pradesh", ((450, 488),)),
    "24": ("Gujarat", ((360, 396),)),
    "26": ("Dadra and Nagar Haveli and Daman and Diu", ((362, 362), (396, 396))),
    "27": ("Maharashtra", ((400, 445),)),
    "29": ("Karnataka", ((560, 591),)),
    "30": ("Goa", ((403, 403),)),
    "31": ("Lakshadweep Islands", ((682, 682),)),
    "32": ("Kerala", ((670, 695),)),
    "33": ("Tamil Nadu", ((600, 643),)),
    "34": ("Puducherry", ((533, 533), (605, 605), (607, 607), (609, 609), (673, 673))),
    "35": ("Andaman and Nicobar Islands", ((744, 744),)),
    "36": ("Telangana", ((500, 509),)),
    "37": ("Andhra Pradesh", ((500, 535),)),
    "38": ("Ladakh", ((194, 194),)),
    "96": ("Other Countries", ()),
    "97": ("Other Territory", ()),
}

STATE_NAMES = MappingProxyType({code: name for code, (name, _) in _STATES.items()})
OTHER_COUNTRIES = "96"


def is_state_code(code: str) -> bool:
    """True for a GST state code (01–38 as used, 96, 97)."""
    return code in _STATES


def state_name(code: str) -> str:
    """The state's name for a GST state code; KeyError for an unknown code."""
    return _STATES[code][0]


def pin_belongs(pincode: str, state_code: str) -> bool:
    """Does the PIN fall in the state's ranges? States without ranges accept any PIN."""
    ranges = _STATES[state_code][1]
    if not ranges:
        return True
    first3 = int(pincode[:3])
    return any(lo <= first3 <= hi for lo, hi in ranges)
