"""The integration report across many sandboxes: what a test session met, missed and asked for.

Each sandbox answers `GET /_sandbox/report` for its own calls; a pytest session starts one per
test by default, so the plugin merges theirs: an error is met if any test met it, never met if
none did; a permission is used if any test used it.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

SCHEMA = "instapub.report/1"


def _app_key(app: Dict[str, Any]) -> Optional[str]:
    return app.get("app_id")


def merge(reports: Iterable[Dict[str, Any]]) -> Dict[str, Any]:
    """One report for many sandboxes' reports (same schema, findings recomputed)."""
    apps: Dict[Optional[str], Dict[str, Any]] = {}
    for report in reports:
        for app in report.get("apps", []):
            merged = apps.setdefault(_app_key(app), {
                "app_id": app.get("app_id"), "errors_met": {}, "errors_not_met": {},
                "reactions": [], "versions": {}, "granted": set(), "used": {},
                "requested": set(), "refused": {}, "older_authorize_logins": 0,
            })
            merged["older_authorize_logins"] += app.get("older_authorize_logins", 0)
            for e in app.get("errors_met", []):
                m = merged["errors_met"].setdefault(e["entry"], dict(e, count=0, from_faults=0,
                                                                       from_conditions=0, endpoints=[]))
                for k in ("count", "from_faults", "from_conditions"):
                    m[k] += e[k]
                m["endpoints"] = sorted(set(m["endpoints"]) | set(e["endpoints"]))
            for e in app.get("errors_not_met", []):
                merged["errors_not_met"].setdefault(e["entry"], e)
            merged["reactions"].extend(app.get("reactions", []))
            for v in app.get("versions", []):
                m = merged["versions"].setdefault(v["version"], dict(v, calls=0))
                m["calls"] += v["calls"]
            p = app.get("permissions", {})
            merged["granted"].update(p.get("granted", []))
            merged["requested"].update(p.get("requested_not_used", []))
            for kind, key in (("used", "used"), ("used_not_requested", "refused")):
                for u in p.get(kind, []):
                    m = merged[key].setdefault(u["permission"], dict(u, calls=0, endpoints=[]))
                    m["calls"] += u["calls"]
                    m["endpoints"] = sorted(set(m["endpoints"]) | set(u["endpoints"]))
    out_apps: List[Dict[str, Any]] = []
    findings: List[Dict[str, Any]] = []
    for merged in apps.values():
        app_id = merged["app_id"]
        met = merged["errors_met"]
        not_met = [e for name, e in merged["errors_not_met"].items() if name not in met]
        used = merged["used"]
        requested_not_used = sorted(
            s for s in merged["requested"]
            if not any(s in u.get("scopes", []) for u in used.values())
        )
        app = {
            "app_id": app_id,
            "errors_met": list(met.values()),
            "errors_not_met": not_met,
            "reactions": merged["reactions"],
            "versions": list(merged["versions"].values()),
            "older_authorize_logins": merged["older_authorize_logins"],
            "permissions": {
                "granted": sorted(merged["granted"]),
                "used": list(used.values()),
                "requested_not_used": requested_not_used,
                "used_not_requested": list(merged["refused"].values()),
            },
        }
        out_apps.append(app)
        for e in not_met:
            findings.append({"kind": "error_not_met", "app_id": app_id, "entry": e["entry"],
                             "permission": None,
                             "message": f"The tests never met {e['entry']} ({e['key']}): {e['summary']} "
                                        f"Add `{e['python']}`."})
        for r in merged["reactions"]:
            if not r.get("good"):
                findings.append({"kind": "reaction", "app_id": app_id, "entry": r.get("entry"),
                                 "permission": None, "message": r["message"] + "."})
        for v in app["versions"]:
            if v.get("state") != "current":
                findings.append({"kind": "version", "app_id": app_id, "entry": None,
                                 "permission": None,
                                 "message": f"{v['calls']} call(s) asked for {v['version']} ({v['state']})."})
        if merged["older_authorize_logins"]:
            findings.append({"kind": "version", "app_id": app_id, "entry": None, "permission": None,
                             "message": f"{merged['older_authorize_logins']} login(s) opened the older "
                                        "authorize address api.instagram.com/oauth/authorize."})
        for s in requested_not_used:
            findings.append({"kind": "permission_not_used", "app_id": app_id, "entry": None,
                             "permission": s,
                             "message": f"The login asks for {s} but no call used it."})
        for u in merged["refused"].values():
            findings.append({"kind": "permission_not_requested", "app_id": app_id, "entry": None,
                             "permission": u["permission"],
                             "message": f"{u['calls']} call(s) needed {u['permission']} and the token lacked it."})
    return {"schema": SCHEMA, "apps": out_apps, "findings": findings}


def summary(report: Dict[str, Any]) -> List[str]:
    """The report in a few lines, for the end of a test session."""
    lines: List[str] = []
    for app in report["apps"]:
        who = f"app {app['app_id']}" if app.get("app_id") else "calls whose token named no app"
        met = app["errors_met"]
        lines.append(f"{who}: met {len(met)} error(s), never met {len(app['errors_not_met'])}")
        for e in met:
            lines.append(f"  met   {e['key']:<14} {e['entry']} x{e['count']}")
        for r in app["reactions"]:
            if not r.get("good"):
                lines.append(f"  react {r['message']}")
        for s in app["permissions"]["requested_not_used"]:
            lines.append(f"  scope {s}: requested, never used (App Review rejects it)")
        for u in app["permissions"]["used_not_requested"]:
            lines.append(f"  scope {u['permission']}: needed, not granted")
    lines.append(f"{len(report['findings'])} finding(s); --instapub-report=FILE writes them all as JSON")
    return lines
