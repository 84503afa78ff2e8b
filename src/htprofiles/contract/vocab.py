"""Every coded vocabulary of the input contract and its display label, in one place.

The order of each mapping is the order rows appear in a report's tables.
"""

from __future__ import annotations

from types import MappingProxyType

_VOCABULARIES: dict[str, dict[str, str]] = {
    "method": {
        "phone": "Phone",
        "email": "Email",
        "webform": "Webform",
        "text": "Text",
        "chat": "Chat",
    },
    "call_type": {
        "crisis": "Crisis",
        "tip": "Tip",
        "referral": "Referral",
        "general_information": "General Information",
        "training_technical_assistance": "Training & Technical Assistance",
        "high_risk": "High Risk",
        "non_substantive": "Non-Substantive",
    },
    "trafficking_type": {
        "sex": "Sex",
        "labor": "Labor",
        "sex_and_labor": "Sex and Labor",
        "not_specified": "Not Specified",
    },
    "sex_venue": {
        "hotel_motel": "Hotel/Motel-Based",
        "commercial_front_brothel": "Commercial-Front Brothels",
        "online_ad": "Online Ad, Venue Unknown",
        "residential_brothel": "Residential Brothels",
        "street_based": "Street-Based",
        "truck_stop": "Truck Stop-Based",
        "hostess_strip_club": "Hostess/Strip Club-Based",
        "escort_service": "Escort Services",
        "private_party": "Private Parties",
        "pornography": "Pornography",
        "personal_sexual_servitude": "Personal Sexual Servitude",
        "other": "Other Sex Trafficking Venues",
    },
    "labor_venue": {
        "domestic_work": "Domestic Work",
        "agriculture": "Agriculture",
        "traveling_sales_crew": "Traveling Sales Crews",
        "restaurant_food_service": "Restaurants/Food Service",
        "health_beauty": "Health & Beauty Services",
        "construction": "Construction",
        "hospitality": "Hospitality",
        "landscaping": "Landscaping",
        "factory_manufacturing": "Factories/Manufacturing",
        "commercial_cleaning": "Commercial Cleaning Services",
        "carnival": "Carnivals",
        "peddling_begging": "Peddling & Begging",
        "other": "Other Labor Trafficking Industries",
    },
    "citizenship": {
        "us_citizen_lpr": "U.S. Citizen/Legal Permanent Resident",
        "foreign_national": "Foreign National",
    },
    "gender": {
        "female": "Female",
        "male": "Male",
        "gender_minority": "Gender Minorities",
    },
    "age_group": {
        "adult": "Adult",
        "minor": "Minor",
    },
}

VOCABULARIES = MappingProxyType({k: MappingProxyType(v) for k, v in _VOCABULARIES.items()})


def codes(column: str) -> tuple[str, ...]:
    """The allowed codes of a coded column, in report order."""
    return tuple(VOCABULARIES[column])


def label(column: str, code: str) -> str:
    """The display label of one code."""
    return VOCABULARIES[column][code]
