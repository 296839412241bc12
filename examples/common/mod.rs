//! Shared by the examples: totals formatting (prices show themselves: `Price`'s
//! `Display`), the client (real or sandbox), error output.

#![allow(dead_code)]

use ovh_renew::OvhClient;

/// Formats exact micro-cents as a decimal amount with 2 digits (rounded half away from
/// zero), using integer arithmetic only.
pub fn amount(ucents: i128) -> String {
    // Division first, then rounding on the remainder: no overflow for any i128.
    let (whole, rest) = (ucents / 1_000_000, ucents % 1_000_000);
    let cents = if rest.abs() >= 500_000 {
        whole + rest.signum()
    } else {
        whole
    };
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

/// The client: an in-process sandbox OVH, or the real one from the environment/ovh.conf.
pub struct Backend {
    pub client: OvhClient,
    // Kept alive for the sandbox's lifetime.
    _mock: Option<ovh_renew::testing::MockOvh>,
}

impl Backend {
    pub async fn new(sandbox: bool) -> Result<Backend, ovh_renew::Error> {
        if sandbox {
            let mock = ovh_renew::testing::MockOvh::start().await;
            eprintln!(
                "sandbox: an in-process OVH at {} (no account, no money)",
                mock.base_url()
            );
            Ok(Backend {
                client: mock.client(),
                _mock: Some(mock),
            })
        } else {
            Ok(Backend {
                client: OvhClient::from_env()?,
                _mock: None,
            })
        }
    }
}

impl Backend {
    /// [`Backend::new`], or the exit status after printing why it failed (and that the
    /// sandbox needs no credentials).
    pub async fn connect(sandbox: bool) -> Result<Backend, std::process::ExitCode> {
        Backend::new(sandbox).await.map_err(|e| {
            report_error(&e);
            eprintln!("\n(no credentials? try the sandbox: add --sandbox)");
            std::process::ExitCode::FAILURE
        })
    }

    /// The in-process sandbox, when running with `--sandbox`.
    #[allow(dead_code)] // not every example adds services
    pub fn sandbox(&self) -> Option<&ovh_renew::testing::MockOvh> {
        self._mock.as_ref()
    }
}

/// The parsed arguments, or the exit status after printing the usage: `Err("")` asks for
/// help (status 0), any other `Err` is a usage error (status 2).
pub fn parsed<T>(parsed: Result<T, String>, usage: &str) -> Result<T, std::process::ExitCode> {
    match parsed {
        Ok(v) => Ok(v),
        Err(msg) if msg.is_empty() => {
            println!("{usage}");
            Err(std::process::ExitCode::SUCCESS)
        }
        Err(msg) => {
            eprintln!("error: {msg}\n\n{usage}");
            Err(std::process::ExitCode::from(2))
        }
    }
}

/// Prints an error and its causes to stderr.
pub fn report_error(err: &(dyn std::error::Error + 'static)) {
    eprintln!("error: {err}");
    let mut hint = None;
    let mut level = Some(err);
    while let Some(e) = level {
        if let Some(api) = e.downcast_ref::<ovh_renew::Error>().and_then(|e| e.api()) {
            hint = hint.or_else(|| api.hint());
        }
        level = e.source();
        if let Some(s) = level {
            eprintln!("  caused by: {s}");
        }
    }
    if let Some(hint) = hint {
        eprintln!("hint: {hint}");
    }
}

/// `true` if any OVH credential is configured in the environment or an ovh.conf file.
pub fn credentials_configured() -> bool {
    std::env::vars().any(|(k, v)| k.starts_with("OVH_") && !v.is_empty())
        || ["./ovh.conf", "/etc/ovh.conf"]
            .iter()
            .any(|p| std::path::Path::new(p).exists())
        || std::env::var_os("HOME")
            .map(|h| std::path::Path::new(&h).join(".ovh.conf").exists())
            .unwrap_or(false)
}
