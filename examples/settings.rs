//! Change the renewal settings of many services at once: preview, then apply.
//!
//! ```sh
//! cargo run --example settings -- [--sandbox] --mode manual [--period P1Y] [--apply] [--json] <service ids…|--all>
//! ```
//!
//! Without `--apply` it only previews (`GET`s only): per service, its settings now, what
//! would change, or why it is left alone. With `--apply` it then applies the change
//! without prompting (`PUT /services/{serviceId}`, a few at a time), re-reads each
//! service and says what changed. `--period` is sent exactly as typed, with either mode.
//! Exit status: 0 when every service is done or had nothing to do, 1 when any service was
//! refused (its capacities do not allow the target) or failed, 2 for bad arguments.
//!
//! The consumer key needs the rules of `AccessRule::renewal_settings()`
//! (`PUT /services/*`); a key made with `AccessRule::renewal_flow()` cannot change
//! settings.

mod common;

use std::process::ExitCode;

use ovh_renew::models::{RenewalMode, ServiceFilter, ServiceId};
use ovh_renew::settings::{self, Selection, Target};

const USAGE: &str = "\
usage: cargo run --example settings -- [--sandbox] --mode automatic|manual [--period P] [--apply] [--json] <service ids...|--all>

  --mode M      the renewal mode to set: automatic or manual
  --period P    also the period (ISO 8601, e.g. P1M, P1Y), sent exactly as typed
  --apply       apply the change after the preview, without prompting
  --json        print the plan as JSON (with --apply: an object with plan and report)
  --all         every service of the account (GET /services)
  --sandbox     run against an in-process sandbox OVH (no account, no money)

  try: cargo run --example settings -- --sandbox --mode manual --period P1Y --apply --all";

struct Args {
    target: Target,
    selection: Selection,
    apply: bool,
    json: bool,
    sandbox: bool,
}

fn parse(args: Vec<String>) -> Result<Args, String> {
    let (mut mode, mut period, mut ids, mut all) = (None, None, Vec::new(), false);
    let (mut apply, mut json, mut sandbox) = (false, false, false);
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--mode" => {
                mode = Some(match value("--mode")?.as_str() {
                    "automatic" => RenewalMode::Automatic,
                    "manual" => RenewalMode::Manual,
                    other => return Err(format!("--mode is automatic or manual, not {other:?}")),
                })
            }
            "--period" => {
                let text = value("--period")?;
                period = Some(text.parse().map_err(|e| format!("--period: {e}"))?);
            }
            "--apply" => apply = true,
            "--json" => json = true,
            "--all" => all = true,
            "--sandbox" => sandbox = true,
            "-h" | "--help" => return Err(String::new()),
            id if !id.starts_with('-') => ids
                .push(ServiceId(id.parse().map_err(|_| {
                    format!("service ids are numbers, not {id:?}")
                })?)),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let mode = mode.ok_or("--mode is required")?;
    let selection = match (all, ids.is_empty()) {
        (true, true) => Selection::Filter(ServiceFilter::all()),
        (false, false) => Selection::Ids(ids),
        (true, false) => return Err("give service ids or --all, not both".into()),
        (false, true) => return Err("give service ids, or --all".into()),
    };
    let mut target = Target::new(mode);
    if let Some(period) = period {
        target = target.period(period);
    }
    Ok(Args {
        target,
        selection,
        apply,
        json,
        sandbox,
    })
}

fn print_json<T: serde::Serialize>(value: &T) -> bool {
    match serde_json::to_string_pretty(value) {
        Ok(text) => {
            println!("{text}");
            true
        }
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match common::parsed(parse(std::env::args().skip(1).collect()), USAGE) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let backend = match common::Backend::connect(args.sandbox).await {
        Ok(b) => b,
        Err(code) => return code,
    };
    let plan = match settings::plan(&backend.client, args.selection, &args.target).await {
        Ok(plan) => plan,
        Err(e) => {
            common::report_error(&e);
            return ExitCode::FAILURE;
        }
    };
    let refused = plan.problems().count();
    if args.json {
        // One JSON document: the plan alone, or the plan and the report with --apply.
        if !args.apply {
            return match (print_json(&plan), refused) {
                (true, 0) => ExitCode::SUCCESS,
                _ => ExitCode::FAILURE,
            };
        }
    } else {
        println!("preview: {} ({} service(s))", plan.target, plan.lines.len());
        for line in &plan.lines {
            println!("  {line}");
        }
        println!(
            "to change: {}, refused or failed: {refused}",
            plan.changes().count()
        );
    }
    if !args.apply {
        println!("preview only: nothing was changed (add --apply to apply)");
        return if refused == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    let report = settings::apply(&backend.client, &plan).await;
    if args.json {
        if !print_json(&serde_json::json!({ "plan": plan, "report": report })) {
            return ExitCode::FAILURE;
        }
    } else {
        println!("apply:");
        for line in &report.lines {
            println!("  {line}");
        }
        let done = report.lines.iter().filter(|l| l.is_done()).count();
        println!("done: {done} of {} service(s)", report.lines.len());
    }
    if report.all_done() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
