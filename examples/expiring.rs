//! What must I renew soon, and what will it cost?
//!
//! ```sh
//! cargo run --features test-util --example expiring -- [--within DAYS] [--period P1Y | --best-monthly] [--concurrency N] [--json] [--sandbox]
//! ```
//!
//! Lists the services expiring within the horizon that are not on automatic renewal, with
//! their renewal mode and lifecycle state, the strategy chosen for each, totals per
//! currency, and why every other service was skipped (its mode, or the guard that refused
//! it: a debt due, unpaid, automatic renewal in progress, deletion or termination
//! scheduled, terminated, suspended). A progress bar runs on stderr. With `--sandbox`, the
//! sandbox also holds one domain in each guarded state.

mod common;

use std::io::Write;
use std::process::ExitCode;

use ovh_renew::planner::{PeriodChoice, PlanOptions, PlanOutcome, Progress, plan};

const USAGE: &str = "\
usage: cargo run --features test-util --example expiring -- [--within DAYS] [--period P1Y | --best-monthly] [--concurrency N] [--json] [--sandbox]

  --within DAYS     horizon in days (default 30)
  --period P        plan this renewal period (default P1Y)
  --best-monthly    plan the lowest price per month instead
  --concurrency N   requests in flight (default 8)
  --json            print the plan as JSON (for approval tools)
  --sandbox         run against an in-process sandbox OVH (no account, no money)";

fn parse(args: Vec<String>) -> Result<(PlanOptions, bool, bool), String> {
    let mut options = PlanOptions::new(PeriodChoice::Fixed(
        "P1Y".parse().map_err(|e| format!("{e}"))?,
    ));
    let (mut json, mut sandbox) = (false, false);
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--within" => {
                options = options.within_days(
                    value("--within")?
                        .parse()
                        .map_err(|_| "--within needs a number of days")?,
                )
            }
            "--period" => {
                options.period =
                    PeriodChoice::Fixed(value("--period")?.parse().map_err(|e| format!("{e}"))?)
            }
            "--best-monthly" => options.period = PeriodChoice::BestMonthly,
            "--concurrency" => {
                options = options.concurrency(
                    value("--concurrency")?
                        .parse()
                        .map_err(|_| "--concurrency needs a number")?,
                )
            }
            "--json" => json = true,
            "--sandbox" => sandbox = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok((options, json, sandbox))
}

fn progress_bar(p: Progress) {
    let width = 30;
    let filled = (p.done * width)
        .checked_div(p.total)
        .unwrap_or(width)
        .min(width);
    let mut err = std::io::stderr();
    let _ = write!(
        err,
        "\r[{}{}] {}/{} services",
        "#".repeat(filled),
        ".".repeat(width - filled),
        p.done,
        p.total
    );
    if p.done == p.total {
        let _ = writeln!(err);
    }
    let _ = err.flush();
}

#[tokio::main]
async fn main() -> ExitCode {
    let (options, json, sandbox) =
        match common::parsed(parse(std::env::args().skip(1).collect()), USAGE) {
            Ok(v) => v,
            Err(code) => return code,
        };
    let backend = match common::Backend::connect(sandbox).await {
        Ok(b) => b,
        Err(code) => return code,
    };
    if let Some(mock) = backend.sandbox() {
        for service in ovh_renew::testing::sandbox::guarded_services() {
            mock.add_service(service);
        }
    }
    let plan = match plan(&backend.client, &options, Some(&progress_bar)).await {
        Ok(p) => p,
        Err(e) => {
            common::report_error(&e);
            return ExitCode::FAILURE;
        }
    };
    if json {
        match serde_json::to_string_pretty(&plan) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
        return ExitCode::SUCCESS;
    }
    println!(
        "expiring by {} ({} days from {}), not on automatic renewal:",
        plan.today + chrono::Days::new(u64::from(plan.within_days)),
        plan.within_days,
        plan.today
    );
    if let Some(guard) = &plan.account_guard {
        println!("account: {guard}");
    }
    println!(
        "{:<11} {:<28} {:<28} {:<10} {:<9} {:<8} {:<6} {:>14}",
        "service", "name", "route", "expires", "mode", "state", "period", "price (excl.)"
    );
    for line in &plan.lines {
        let name = line.name.as_deref().unwrap_or("-");
        let route = line.route.as_deref().unwrap_or("-");
        let expires = line
            .expiration_date
            .map_or("-".to_owned(), |d| d.to_string());
        let mode = line.renewal_mode.as_ref().map_or("-", |m| m.as_str());
        let state = line.lifecycle_state.as_ref().map_or("-", |s| s.as_str());
        match &line.outcome {
            PlanOutcome::Ready { period, strategy } => println!(
                "{:<11} {:<28} {:<28} {:<10} {:<9} {:<8} {:<6} {:>14}",
                line.service_id.to_string(),
                name,
                route,
                expires,
                mode,
                state,
                period.as_str(),
                strategy.price
            ),
            PlanOutcome::Failed(f) => println!(
                "{:<11} {:<28} {:<28} {:<10} {:<9} {:<8} FAILED at {}: {}",
                line.service_id.to_string(),
                name,
                route,
                expires,
                mode,
                state,
                f.step,
                f.message
            ),
            _ => println!(
                "{:<11} {name}: (unknown outcome)",
                line.service_id.to_string()
            ),
        }
    }
    if plan.lines.is_empty() {
        println!("(nothing to renew)");
    }
    for total in &plan.totals {
        println!(
            "total {}: {} over {} service(s)",
            total.currency_text(),
            common::amount(total.ucents),
            total.lines
        );
    }
    println!("skipped: {} service(s)", plan.skipped.len());
    for s in &plan.skipped {
        println!("  {s}");
    }
    ExitCode::SUCCESS
}
