//! Requests a consumer key with exactly the access rules the renewal workflow needs
//! (`AccessRule::renewal_flow()`), then prints the URL to validate it and the `ovh.conf`
//! lines to paste.
//!
//! The application key and secret come from the environment or `ovh.conf`, like every
//! client of this crate (create them first at `https://eu.api.ovh.com/createApp/`, or the
//! `createApp` page of your region):
//!
//! ```sh
//! OVH_ENDPOINT=ovh-eu OVH_APPLICATION_KEY=… OVH_APPLICATION_SECRET=… \
//!     cargo run --example create_consumer_key
//! cargo run --example create_consumer_key -- --read-only --redirection https://example.com/done
//! ```

use std::process::ExitCode;

use ovh_renew::OvhClientBuilder;
use ovh_renew::models::AccessRule;

const USAGE: &str = "\
usage: create_consumer_key [--read-only] [--redirection URL]

Requests an OVH consumer key for the renewal workflow (or read-only with --read-only)
and prints the URL to validate it and what to put in ovh.conf.

Needs an endpoint and an application key and secret, from the environment:
    OVH_ENDPOINT=ovh-eu OVH_APPLICATION_KEY=... OVH_APPLICATION_SECRET=...
or from ./ovh.conf, ~/.ovh.conf or /etc/ovh.conf:
    [default]
    endpoint=ovh-eu
    [ovh-eu]
    application_key=...
    application_secret=...
Create the application at https://eu.api.ovh.com/createApp/ (ca.api.ovh.com for ovh-ca,
api.us.ovhcloud.com for ovh-us).";

/// Prints why, then the usage, and fails with exit status 2.
fn usage(why: &str) -> ExitCode {
    eprintln!("error: {why}\n\n{USAGE}");
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut rules = AccessRule::renewal_flow();
    let mut redirection = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--read-only" => rules = AccessRule::read_only(),
            "--redirection" => match args.next() {
                Some(url) => redirection = Some(url),
                None => return usage("--redirection needs a URL"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage(&format!("unknown argument {other:?}")),
        }
    }

    let client = match OvhClientBuilder::from_env().and_then(OvhClientBuilder::build) {
        Ok(client) => client,
        Err(err) => return usage(&err.to_string()),
    };
    let Some(application_key) = client.credentials().application_key().map(str::to_owned) else {
        return usage(
            "consumer keys belong to an application key and secret; OAuth2 service accounts and access tokens need none",
        );
    };

    let request = match client
        .request_consumer_key(&rules, redirection.as_deref())
        .await
    {
        Ok(request) => request,
        Err(err) => {
            // Display is one level: the causes are in the chain.
            eprintln!("error: {err}");
            let mut source = std::error::Error::source(&err);
            while let Some(s) = source {
                eprintln!("  caused by: {s}");
                source = s.source();
            }
            if let Some(hint) = err.api().and_then(ovh_renew::ApiError::hint) {
                eprintln!("hint: {hint}");
            }
            return ExitCode::FAILURE;
        }
    };

    let endpoint = client.endpoint();
    println!("Requested a consumer key with these access rules:");
    for rule in &rules {
        println!("    {rule}");
    }
    println!();
    println!("1. Open this URL, log in with the account that owns the services, and choose a");
    println!("   validity (\"Unlimited\" for unattended renewals):");
    println!();
    println!("    {}", request.validation_url);
    println!();
    println!("2. Then put this in ./ovh.conf or ~/.ovh.conf (readable by you only):");
    println!();
    println!("[default]");
    println!("endpoint={endpoint}");
    println!();
    println!("[{endpoint}]");
    println!("application_key={application_key}");
    println!("application_secret=<your application secret, unchanged>");
    println!("consumer_key={}", request.consumer_key);
    println!();
    println!("   (or export OVH_CONSUMER_KEY with that value).");
    println!();
    println!("3. Check it: OvhClient::current_credential() should say `validated`, and its");
    println!("   missing_for_renewal() should be empty.");
    ExitCode::SUCCESS
}
