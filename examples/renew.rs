//! Renew one service, the way OVH's guide does it, in one command.
//!
//! ```sh
//! cargo run --features test-util --example renew -- <product> <service-name> <period> [--order] [--pay default | --pay <mean>[:<id>] | --pay-method <id>] [--pay-order <orderId>] [--wait <seconds>] [--include-options] [--sandbox]
//! cargo run --features test-util --example renew -- [--sandbox] payment-methods
//! cargo run --features test-util --example renew -- --sandbox vps vps-0baa4fcf.vps.ovh.net P3M --order --pay paypal:1234
//! cargo run --features test-util --example renew -- --sandbox --sandbox-crash-first vps vps-0baa4fcf.vps.ovh.net P3M --order --pay default --wait 30
//! ```
//!
//! A re-run never orders twice: before ordering, the workflow looks for a renewal order of
//! the service made in the last 7 days, pays it if it is unpaid at the same price and
//! period, and stops if it was paid. `--sandbox-crash-first` shows it: the sandbox first
//! runs the same command without paying (a process that crashed after ordering), then the
//! command itself.
//!
//! Dry run unless `--order`. Credentials come from the environment and ovh.conf exactly
//! like `OvhClient::from_env()`; `--sandbox` runs the very same code against an
//! in-process `MockOvh` with no credentials.

mod common;

use std::process::ExitCode;
use std::time::Duration;

use ovh_renew::models::{OrderId, Product};
use ovh_renew::workflow::{
    DeliveryWait, EarlierOutcome, PaymentChoice, RenewOptions, RenewOutcome, ServiceRef, renew,
};
use ovh_renew::{RenewPeriod, ServiceRenewApi};

const USAGE: &str = "\
usage: cargo run --features test-util --example renew -- <product> <service-name> <period> [options]

  <product>        vps, domain, hosting/web, dedicated/server, ...
  <service-name>   the service's name, e.g. vps-0baa4fcf.vps.ovh.net
  <period>         an ISO-8601 period: P1M, P3M, P6M, P1Y, P2Y, ...

       cargo run --features test-util --example renew -- [--sandbox] payment-methods

options:
  --order              really create the order (default: dry run only)
  --pay default        pay with the account's default payment method (must be VALID)
  --pay <mean>[:<id>]  pay with a registered payment mean, e.g. paypal:1234, fidelityAccount
                       (<id> is the method's paymentMeanId: see payment-methods)
  --pay-method <id>    pay with a payment method id (GET /me/payment/method)
  --pay-order <id>     pay this existing unpaid renewal order instead of ordering
  --wait <seconds>     after paying, wait up to this long for delivery, then read the invoice
  --include-options    ask OVH for strategies including options
  --sandbox            run against an in-process sandbox OVH (no account, no money)
  --sandbox-crash-first  (sandbox) first run the command without paying, as a process
                       that crashed after ordering, then run it again

payment-methods lists the account's payment methods: id, type, label, status, default
and paymentMeanId (the <id> of --pay <mean>:<id>).

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
    pay_order: Option<OrderId>,
    wait: Option<Duration>,
    include_options: bool,
    sandbox: bool,
    crash_first: bool,
}

enum Command {
    Renew(Args),
    PaymentMethods { sandbox: bool },
}

fn parse(args: Vec<String>) -> Result<Command, String> {
    let mut positional = Vec::new();
    let (mut order, mut payment, mut include_options, mut sandbox) = (false, None, false, false);
    let (mut pay_order, mut wait, mut crash_first) = (None, None, false);
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--order" => order = true,
            "--include-options" => include_options = true,
            "--sandbox" => sandbox = true,
            "--sandbox-crash-first" => crash_first = true,
            "--pay-order" => {
                let v = it.next().ok_or("--pay-order needs an order id")?;
                pay_order = Some(v.parse::<OrderId>().map_err(|e| e.to_string())?);
            }
            "--wait" => {
                let v = it.next().ok_or("--wait needs a number of seconds")?;
                let secs: u64 = v
                    .parse()
                    .map_err(|_| format!("invalid --wait {v:?}: expected seconds"))?;
                wait = Some(Duration::from_secs(secs));
            }
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
    if positional == ["payment-methods"] {
        return Ok(Command::PaymentMethods { sandbox });
    }
    let [product, name, period] = <[String; 3]>::try_from(positional).map_err(|p| {
        format!(
            "expected <product> <service-name> <period>, got {} argument(s)",
            p.len()
        )
    })?;
    let period = period.parse().map_err(|e| format!("{e}"))?;
    if pay_order.is_some() {
        order = true;
    }
    if payment.is_some() && !order {
        return Err("--pay needs --order: a dry run is never paid".into());
    }
    if wait.is_some() && payment.is_none() {
        return Err("--wait needs a payment: only a paid order is delivered".into());
    }
    if crash_first && !sandbox {
        return Err("--sandbox-crash-first runs in the sandbox only (add --sandbox)".into());
    }
    Ok(Command::Renew(Args {
        product: Product::from(product),
        name,
        period,
        order,
        payment,
        pay_order,
        wait,
        include_options,
        sandbox,
        crash_first,
    }))
}

/// `payment-methods`: every method with what paying with it needs.
async fn list_payment_methods(client: &ovh_renew::OvhClient) -> Result<(), ovh_renew::Error> {
    println!(
        "{:<10} {:<18} {:<22} {:<9} {:<8} paymentMeanId",
        "id", "type", "label", "status", "default"
    );
    for id in client.payment_methods().await? {
        let m = client.payment_method(id).await?;
        println!(
            "{:<10} {:<18} {:<22} {:<9} {:<8} {}",
            m.payment_method_id,
            m.payment_type,
            m.label.as_deref().unwrap_or("-"),
            m.status.as_str(),
            if m.default { "yes" } else { "no" },
            m.payment_mean_id
                .map_or_else(|| "-".to_owned(), |id| id.to_string())
        );
    }
    println!(
        "pay with: --pay default (the default, if VALID), --pay-method <id>, or --pay <mean>:<paymentMeanId> (e.g. paypal:1234)"
    );
    Ok(())
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
    let command = match common::parsed(parse(raw), USAGE) {
        Ok(command) => command,
        Err(code) => return code,
    };
    let args = match command {
        Command::Renew(a) => a,
        Command::PaymentMethods { sandbox } => {
            let backend = match common::Backend::connect(sandbox).await {
                Ok(b) => b,
                Err(code) => return code,
            };
            return match list_payment_methods(&backend.client).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    common::report_error(&e);
                    ExitCode::FAILURE
                }
            };
        }
    };
    let backend = match common::Backend::connect(args.sandbox).await {
        Ok(b) => b,
        Err(code) => return code,
    };

    let mut options = RenewOptions::new(
        ServiceRef::named(args.product.clone(), &args.name),
        args.period,
    )
    .order(args.order)
    .include_options(args.include_options);
    if let (Some(mock), Some(_)) = (backend.sandbox(), args.wait) {
        // With --wait, the sandbox's orders go checking, delivering, then delivered after
        // a few reads, as OVH's do (in minutes).
        mock.set_delivery_polls(4);
    }
    if args.crash_first {
        // Run 1: the same order, then the process "dies" before paying.
        match renew(&backend.client, &options).await {
            Ok(report) => match report.order() {
                Some(order) => println!(
                    "run 1: order {} created, then the process crashed before paying",
                    order.order_id
                ),
                None => println!("run 1: nothing ordered"),
            },
            Err(e) => {
                common::report_error(&e);
                return ExitCode::FAILURE;
            }
        }
        println!("run 2: the same command again");
    }
    if let Some(p) = args.payment {
        options = options.pay(p);
    }
    if let Some(id) = args.pay_order {
        options = options.pay_order(id);
    }
    if let Some(timeout) = args.wait {
        let mut wait = DeliveryWait::new(timeout);
        if backend.sandbox().is_some() {
            // The sandbox delivers in a few reads: read every 0.2 s rather than 2 s.
            wait = wait.backoff(Duration::from_millis(200), Duration::from_secs(1));
        }
        options = options.delivery_wait(wait);
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
                    "order: {} {}, {} with tax",
                    order.order_id,
                    if report.earlier_outcome() == Some(EarlierOutcome::Reused) {
                        "reused (unpaid, same price and period): no second order"
                    } else {
                        "created"
                    },
                    order.price_with_tax
                );
            };
            match &report.outcome {
                RenewOutcome::AlreadyRenewed { order_id, status } => {
                    println!("already renewed by order {order_id} ({status}): nothing was ordered");
                }
                RenewOutcome::Ordered { order, .. } => {
                    created(order);
                    println!("payment: none requested; the order is unpaid");
                }
                RenewOutcome::Paid { order, payment, .. } => {
                    created(order);
                    match &report.payment_method {
                        Some(m) => println!(
                            "payment: paid with {} ({} {} {})",
                            payment.choice(),
                            m.payment_method_id,
                            m.payment_type,
                            m.label.as_deref().unwrap_or("")
                        ),
                        None => println!("payment: paid with {}", payment.choice()),
                    }
                }
                _ => println!("dry run only: nothing was ordered (add --order to order)"),
            }
            if let Some(d) = &report.delivery {
                let steps: Vec<String> = d
                    .follow_up
                    .iter()
                    .map(|s| format!("{} {}", s.step, s.status))
                    .collect();
                println!(
                    "delivery: {} after {} status read(s) ({:?}); follow-up: {}",
                    d.status,
                    d.polls,
                    d.end,
                    steps.join(", ")
                );
            }
            if let Some(status) = report.status() {
                println!("status: {status}");
            }
            if let Some(bill) = &report.bill {
                println!(
                    "invoice: {} {} with tax ({} without tax)",
                    bill.bill_id, bill.price_with_tax, bill.price_without_tax
                );
            }
            if let Some(e) = &report.bill_error {
                println!("invoice: not readable yet ({e})");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            common::report_error(&e);
            ExitCode::FAILURE
        }
    }
}
