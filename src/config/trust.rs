//! The endpoint of `./ovh.conf` and other sources' credentials.
//!
//! A `./ovh.conf` may come with a cloned repository: one that names its own server
//! (`[default] endpoint=https://attacker.example/1.0`) would receive the consumer key, a
//! valid signature or a bearer token taken from the environment or from `~/.ovh.conf`.
//! So an endpoint that is a URL other than OVH's own API base URLs, coming from a file in
//! the current directory, is used only with credentials from that same file, unless the
//! caller opts in with `OvhClientBuilder::trust_local_endpoint(true)`.

use super::{ConfigError, Origin, ResolvedConfig, Setting};
use crate::endpoint::{ENDPOINT_NAMES, Endpoint};

impl ResolvedConfig {
    /// Refuses an untrusted local endpoint combined with credentials from elsewhere (see
    /// the module documentation). `explicit_credentials` says the caller gives the
    /// credentials itself (`OvhClientBuilder::credentials`): another source too.
    ///
    /// # Errors
    /// [`ConfigError::UntrustedLocalEndpoint`], naming the endpoint's file and every
    /// credential key from another source (never a value).
    pub(crate) fn check_local_endpoint(
        &self,
        explicit_credentials: bool,
    ) -> Result<(), ConfigError> {
        let Some(setting) = &self.endpoint else {
            return Ok(());
        };
        let Origin::File { path, .. } = &setting.origin else {
            return Ok(());
        };
        let Ok(endpoint @ Endpoint::Custom(url)) = &setting.parsed else {
            return Ok(());
        };
        if !self.local.contains(path) || is_ovh_base_url(url.as_str()) {
            return Ok(());
        }
        let mut foreign: Vec<String> = Setting::ALL[1..]
            .iter()
            .filter_map(|&key| {
                let (_, origin) = self.get(key)?;
                let same_file = matches!(&origin, Origin::File { path: p, .. } if p == path);
                (!same_file).then(|| format!("{} ({origin})", key.ini_name()))
            })
            .collect();
        if explicit_credentials {
            foreign = vec!["credentials given to OvhClientBuilder::credentials".to_owned()];
        }
        if foreign.is_empty() {
            return Ok(());
        }
        Err(ConfigError::UntrustedLocalEndpoint {
            endpoint: endpoint.to_string(),
            origin: setting.origin.to_string(),
            credentials: foreign,
        })
    }
}

/// Whether `url` is the base URL of one of OVH's named endpoints.
fn is_ovh_base_url(url: &str) -> bool {
    ENDPOINT_NAMES.iter().any(|name| {
        name.parse::<Endpoint>()
            .is_ok_and(|named| named.base_url().as_str() == url)
    })
}
