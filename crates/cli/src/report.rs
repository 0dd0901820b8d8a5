//! `instapub report`: the sandbox's integration report, for a person (text), a program
//! (`--json`) or a CI system (`--junit FILE`, each finding a failing test case).
//!
//! Exit status: 0 when the report has no finding, 1 when it has, 2 when it cannot be read.

use serde_json::Value;

use crate::Failure;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    sandbox: crate::sandbox_args::SandboxArgs,
    /// Print the report as the sandbox answers it (docs/ROUTES.md: GET /_sandbox/report).
    #[arg(long)]
    json: bool,
    /// Also write JUnit XML to FILE: a test case per error met or missed and per permission,
    /// each finding a failure.
    #[arg(long, value_name = "FILE")]
    junit: Option<std::path::PathBuf>,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let control = args.sandbox.control("report")?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| Failure {
        status: 2,
        message: format!("cannot start the async runtime: {e}"),
    })?;
    let report = runtime.block_on(async {
        control.report().await.map_err(|e| Failure {
            status: 2,
            message: format!("cannot read the report from {}: {e}", args.sandbox.base_url),
        })
    })?;
    if report["schema"] != "instapub.report/1" {
        return Err(Failure {
            status: 2,
            message: format!(
                "{} answered a report of schema {}; this instapub reads instapub.report/1",
                args.sandbox.base_url, report["schema"]
            ),
        });
    }
    if let Some(path) = &args.junit {
        std::fs::write(path, junit(&report)).map_err(|e| Failure {
            status: 2,
            message: format!("cannot write {}: {e}", path.display()),
        })?;
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print!("{}", human(&report));
    }
    let findings = report["findings"].as_array().map_or(0, Vec::len);
    Ok(u8::from(findings > 0))
}

fn list(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// A list of strings as one line.
fn joined(v: &Value) -> String {
    list(v).iter().map(text).collect::<Vec<_>>().join(", ")
}

fn app_name(app: &Value) -> String {
    match app["app_id"].as_str() {
        Some(id) => format!("app {id}"),
        None => "calls whose token named no app".to_owned(),
    }
}

/// The report as a person reads it in a terminal.
fn human(r: &Value) -> String {
    let mut out = String::new();
    for app in list(&r["apps"]) {
        out.push_str(&format!("{}\n\n", app_name(app)));
        let met = list(&app["errors_met"]);
        out.push_str(&format!("  Errors met ({}):\n", met.len()));
        for e in met {
            out.push_str(&format!(
                "    ✓ {:<13} {:<28} {} time(s): {} by a fault rule, {} by the real condition; {}\n",
                text(&e["key"]),
                text(&e["entry"]),
                e["count"],
                e["from_faults"],
                e["from_conditions"],
                joined(&e["endpoints"])
            ));
        }
        let missed = list(&app["errors_not_met"]);
        if !missed.is_empty() {
            out.push_str(&format!(
                "\n  Never met ({}): add a fault rule to test each\n",
                missed.len()
            ));
            for e in missed {
                out.push_str(&format!(
                    "    ✗ {:<13} {:<28} {}\n",
                    text(&e["key"]),
                    text(&e["entry"]),
                    text(&e["python"])
                ));
            }
        }
        let reactions = list(&app["reactions"]);
        if !reactions.is_empty() {
            out.push_str("\n  Reactions, judged by the catalog's action:\n");
            for r in reactions {
                let mark = if r["good"] == true { "✓" } else { "✗" };
                let requests = list(&r["requests"])
                    .iter()
                    .map(|n| format!("#{n}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                out.push_str(&format!(
                    "    {mark} {}\n        requests {requests}\n",
                    text(&r["message"])
                ));
            }
        }
        let versions = list(&app["versions"]);
        if !versions.is_empty() {
            out.push_str("\n  Graph versions asked for:\n");
            for v in versions {
                let (mark, state) = match text(&v["state"]) {
                    "retired" => ("✗", "no longer served"),
                    "sunset_soon" => ("✗", "ends soon"),
                    _ => ("✓", "served"),
                };
                let until = v["until"]
                    .as_str()
                    .map(|u| format!(" (until {u})"))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "    {mark} {:<8} {} call(s), {state}{until}\n",
                    text(&v["version"]),
                    v["calls"]
                ));
            }
        }
        if let Some(n) = app["older_authorize_logins"].as_u64().filter(|n| *n > 0) {
            out.push_str(&format!(
                "    ✗ {n} login(s) opened the older authorize address api.instagram.com/oauth/authorize\n"
            ));
        }
        let p = &app["permissions"];
        out.push_str("\n  Permissions (what App Review asks about):\n");
        for u in list(&p["used"]) {
            out.push_str(&format!(
                "    ✓ {:<36} used by {} call(s): {}\n",
                text(&u["permission"]),
                u["calls"],
                joined(&u["endpoints"])
            ));
        }
        for s in list(&p["requested_not_used"]) {
            out.push_str(&format!(
                "    ✗ {:<36} requested, never used: App Review rejects it\n",
                text(s)
            ));
        }
        for u in list(&p["used_not_requested"]) {
            out.push_str(&format!(
                "    ✗ {:<36} needed by {} call(s) and not granted: {}\n",
                text(&u["permission"]),
                u["calls"],
                joined(&u["endpoints"])
            ));
        }
        out.push('\n');
    }
    let n = list(&r["findings"]).len();
    out.push_str(&match n {
        0 => "No findings.\n".to_owned(),
        n => format!("{n} finding(s). `instapub report --json` for every detail.\n"),
    });
    out
}

/// XML text with the five reserved characters escaped (all JUnit needs; a writer crate for
/// three element kinds would be more code than this).
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: a suite per app; a passing case per error met and permission used, a failing
/// one per finding.
fn junit(r: &Value) -> String {
    let mut suites = String::new();
    let mut total = (0, 0);
    for app in list(&r["apps"]) {
        let name = app_name(app);
        let app_id = &app["app_id"];
        let mut cases = String::new();
        let mut count = (0, 0);
        let mut case = |class: &str, test: &str, failure: Option<&str>| {
            count.0 += 1;
            cases.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml(class),
                xml(test)
            ));
            match failure {
                Some(f) => {
                    count.1 += 1;
                    cases.push_str(&format!(
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                        xml(f),
                        xml(f)
                    ));
                }
                None => cases.push_str("/>\n"),
            }
        };
        for e in list(&app["errors_met"]) {
            case(
                "errors",
                &format!("{} {}", text(&e["key"]), text(&e["entry"])),
                None,
            );
        }
        for u in list(&app["permissions"]["used"]) {
            case("permissions", text(&u["permission"]), None);
        }
        for f in list(&r["findings"])
            .iter()
            .filter(|f| &f["app_id"] == app_id)
        {
            let class = match text(&f["kind"]) {
                "error_not_met" => "errors",
                "reaction" => "reactions",
                "version" => "versions",
                _ => "permissions",
            };
            let test = f["entry"]
                .as_str()
                .or(f["permission"].as_str())
                .unwrap_or_default();
            case(class, test, Some(text(&f["message"])));
        }
        suites.push_str(&format!(
            "  <testsuite name=\"instapub report: {}\" tests=\"{}\" failures=\"{}\">\n{cases}  </testsuite>\n",
            xml(&name),
            count.0,
            count.1
        ));
        total = (total.0 + count.0, total.1 + count.1);
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"instapub report\" tests=\"{}\" failures=\"{}\">\n{suites}</testsuites>\n",
        total.0, total.1
    )
}
