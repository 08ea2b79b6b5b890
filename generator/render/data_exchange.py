"""A district's Data Exchange profile as written to data-exchange.json: references, no secrets."""

from __future__ import annotations

from typing import Any

FORMAT = "psplugin.data-exchange/1"


def data_exchange_profile(document: dict[str, Any], district: str) -> dict[str, Any] | None:
    """The JSON-ready profile of one district, or None when the plugin has no Data Exchange."""
    exchange = document.get("data_exchange")
    if not exchange:
        return None
    section = document.get("district") or {}
    profile: dict[str, Any] = {
        "format": FORMAT,
        "district": {
            "name": district,
            "display_name": section.get("display_name", district),
            "lea_state_number": section.get("lea_state_number"),
        },
        "profile": {"name": exchange["profile_name"], "type": exchange["profile_type"]},
        "data_exchange_url": exchange["data_exchange_url"],
        "authentication_url": exchange["authentication_url"],
        # The lists and mappings below are those of the merged document, which districts share
        # as the very same objects: the profile is read, never changed.
        "school_years": exchange["school_years"],
        "service_options": exchange["service_options"],
        "credentials": section.get("credentials") or {},
        "staff_permissions": exchange.get("staff_permissions") or [],
        "assumptions": exchange.get("assumptions") or {},
    }
    if exchange.get("state"):
        profile["state"] = exchange["state"]
    return profile
