//! Renew one service, the way OVH's guide does it, in one command.
//!
//! ```sh
//! cargo run --features test-util --example renew -- <product> <service-name> <period> [--order] [--pay <mean>[:<id>] | --pay-method <id>] [--include-options] [--sandbox]
//! cargo run --features test-util --example renew -- --sandbox vps vps-0baa4fcf.vps.ovh.net P3M --order --pay paypal:1234
//! ```
//!
//! Dry run unless `--order`. Credentials come from the environment and ovh.conf exactly
//! like `OvhClient::from_env()`; `--sandbox` runs the very same code against an
//! in-process `MockOvh` with no credentials.

mod common;

use std::process::ExitCode;

use ovh_renew::RenewPeriod;
use ovh_renew::models::Product;
use ovh_renew::workflow::{PaymentChoice, RenewOptions, RenewOutcome, ServiceRef, renew};

const USAGE: &str = "\
usage: cargo run --features test-util --example renew -- <product> <service-name> <period> [options]

  <product>        vps, domain, hosting/web, dedicated/server, ...
  <service-name>   the service's name, e.g. vps-0baa4fcf.vps.ovh.net
  <period>         an ISO-8601 period: P1M, P3M, P6M, P1Y, P2Y, ...

options:
  --order              really create the order (default: dry run only)
  --pay <mean>[:<id>]  pay with a registered payment mean, e.g. paypal:1234, fidelityAccount
  --pay-method <id>    pay with a payment method id (GET /me/payment/method)
  --include-options    ask OVH for strategies including options
  --sandbox            run against an in-process sandbox OVH (no account, no money)

Credentials: OVH_ENDPOINT, OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY,
or ./ovh.conf, ~/.ovh.conf, /etc/ovh.conf (like python-ovh).

Try it now, with no account:
  cargo run --features test-util --example renew -- --sandbox vps vps-0baa4fcf.vps.ovh.net P3M --order --pay paypal:1234";

struct Args {
    product: Product,
    name: String,
    period: RenewPeriod,
    order: bool,
    payment: Option<PaymentChoice>,
    include_options: bool,
    sandbox: bool,
}

fn parse(args: Vec<String>) -> Result<Args, String> {
    let mut positional = Vec::new();
    let (mut order, mut payment, mut include_options, mut sandbox) = (false, None, false, false);
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--order" => order = true,
            "--include-options" => include_options = true,
            "--sandbox" => sandbox = true,
            "--pay" => {
                let v = it.next().ok_or("--pay needs <mean>[:<id>]")?;
                payment = Some(v.parse::<PaymentChoice>().map_err(|e| e.to_string())?);
            }
            "--pay-method" => {
                let v = it.next().ok_or("--pay-method needs an id")?;
                let id = v
                    .parse()
                    .map_err(|_| format!("invalid payment method id {v:?}"))?;
                payment = Some(PaymentChoice::Method(id));
            }
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ => positional.push(arg),
        }
    }
    let [product, name, period] = <[String; 3]>::try_from(positional).map_err(|p| {
        format!(
            "expected <product> <service-name> <period>, got {} argument(s)",
            p.len()
        )
    })?;
    let period = period.parse().map_err(|e| format!("{e}"))?;
    if payment.is_some() && !order {
        return Err("--pay needs --order: a dry run is never paid".into());
    }
    Ok(Args {
        product: Product::from(product),
        name,
        period,
        order,
        payment,
        include_options,
        sandbox,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    if raw.is_empty() {
        println!("{USAGE}");
        return if common::credentials_configured() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let args = match parse(raw) {
        Ok(a) => a,
        Err(msg) if msg.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("error: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let backend = match common::Backend::new(args.sandbox).await {
        Ok(b) => b,
        Err(e) => {
            common::report_error(&e);
            eprintln!("\n(no credentials? try the sandbox: add --sandbox)");
            return ExitCode::FAILURE;
        }
    };

    let mut options = RenewOptions::new(
        ServiceRef::named(args.product.clone(), &args.name),
        args.period,
    )
    .order(args.order)
    .include_options(args.include_options);
    if let Some(p) = args.payment {
        options = options.pay(p);
    }
    match renew(&backend.client, &options).await {
        Ok(report) => {
            println!(
                "service {} ({} {})",
                report.service_id, args.product, args.name
            );
            println!("renewal choices:");
            for d in &report.choices {
                for s in &d.strategies {
                    let ids: Vec<String> = s.services.iter().map(ToString::to_string).collect();
                    println!(
                        "  {:<5} {:>14}  services [{}]",
                        d.renew_period.as_str(),
                        s.price,
                        ids.join(", ")
                    );
                }
            }
            let ids: Vec<String> = report
                .strategy
                .services
                .iter()
                .map(ToString::to_string)
                .collect();
            println!(
                "chosen: {} for services [{}], {} excluding tax",
                report.period,
                ids.join(", "),
                report.strategy.price
            );
            println!(
                "dry run: {} without tax, {} tax, {} with tax",
                report.dry_run.price_without_tax, report.dry_run.tax, report.dry_run.price_with_tax
            );
            let created = |order: &ovh_renew::models::Order| {
                println!(
                    "order: {} created, {} with tax",
                    order.order_id, order.price_with_tax
                );
            };
            match &report.outcome {
                RenewOutcome::Ordered { order, status } => {
                    created(order);
                    println!("payment: none requested; the order is unpaid");
                    println!("status: {status}");
                }
                RenewOutcome::Paid {
                    order,
                    payment,
                    status,
                } => {
                    created(order);
                    println!("payment: paid with {}", payment.choice());
                    println!("status: {status}");
                }
                _ => println!("dry run only: nothing was ordered (add --order to order)"),
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            common::report_error(&e);
            ExitCode::FAILURE
        }
    }
}
