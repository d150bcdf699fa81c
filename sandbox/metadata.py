"""GET Numbers/<number>: telecom circle, operator, type and DND status, made up deterministically.

Landlines get the circle of their STD code; mobiles a circle and an operator picked from their digits.
Numbers ending in 95 are on DND, like the scenario that refuses to call them.
"""

from sandbox.phones import is_landline, national

CIRCLES = {
    "AP": "Andhra Pradesh Telecom Circle",
    "AS": "Assam Telecom Circle",
    "BR": "Bihar & Jharkhand Telecom Circle",
    "CH": "Chennai Metro Telecom Circle",
    "DL": "Delhi Metro Telecom Circle (includes NCR, Faridabad, Ghaziabad, Gurgaon & Noida)",
    "GJ": "Gujarat Telecom Circle (includes Daman & Diu, Dadra & Nagar Haveli)",
    "HP": "Himachal Pradesh Telecom Circle",
    "HR": "Haryana Telecom Circle (excludes Faridabad, Gurgaon & Panchkula)",
    "JK": "Jammu & Kashmir Telecom Circle",
    "KL": "Kerala Telecom Circle (includes Lakshadweep)",
    "KA": "Karnataka Telecom Circle",
    "KO": "Kolkata Metro Telecom Circle",
    "MH": "Maharashtra Telecom Circle (includes Goa, excludes Mumbai)",
    "MP": "Madhya Pradesh Telecom Circle (includes Chhattisgarh)",
    "MU": "Mumbai Metro Telecom Circle (includes Navi Mumbai, Thane & Kalyan)",
    "NE": "North East India Telecom Circle",
    "OR": "Odisha Telecom Circle",
    "PB": "Punjab Telecom Circle (includes Chandigarh & Panchkula)",
    "RJ": "Rajasthan Telecom Circle",
    "TN": "Tamil Nadu Telecom Circle (excludes Chennai)",
    "UE": "Uttar Pradesh (East) Telecom Circle",
    "UW": "Uttar Pradesh (West) Telecom Circle (includes Uttarakhand)",
    "WB": "West Bengal Telecom Circle (includes Andaman & Nicobar, Sikkim)",
}
MOBILE_OPERATORS = {
    "A": "Airtel",
    "V": "Vodafone",
    "I": "Idea",
    "VI": "Vodafone Idea",
    "R": "Reliance",
    "B": "BSNL",
    "T": "Tata",
    "AL": "Aircel",
}
STD_CIRCLES = {
    "11": "DL",
    "22": "MU",
    "33": "KO",
    "44": "CH",
    "80": "KA",
    "40": "AP",
    "20": "MH",
    "79": "GJ",
    "141": "RJ",
    "172": "PB",
    "484": "KL",
    "522": "UE",
    "612": "BR",
    "674": "OR",
    "755": "MP",
}
METRO_LANDLINES = {"DL", "MU"}  # served by MTNL, everywhere else by BSNL


def number_metadata(e164: str) -> dict:
    digits = e164.removeprefix("+91")
    codes = list(CIRCLES)
    if is_landline(e164):
        kind = "Landline"
        circle = (
            STD_CIRCLES.get(digits[:3]) or STD_CIRCLES.get(digits[:2]) or codes[int(digits[:4]) % len(codes)]
        )
        operator, operator_name = ("MT", "MTNL") if circle in METRO_LANDLINES else ("B", "BSNL")
    else:
        kind = "Mobile"
        circle = codes[int(digits[1:5]) % len(codes)]
        operator = list(MOBILE_OPERATORS)[int(digits[5:7]) % len(MOBILE_OPERATORS)]
        operator_name = MOBILE_OPERATORS[operator]
    return {
        "PhoneNumber": national(e164),
        "Circle": circle,
        "CircleName": CIRCLES[circle],
        "Type": kind,
        "Operator": operator,
        "OperatorName": operator_name,
        "DND": "Yes" if digits.endswith("95") else "No",
    }
