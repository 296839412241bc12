//! TEMPORARY STUB, replaced by the real resolution.
use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use std::collections::HashMap;
/// Stub.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Stub.
    #[error("stub")]
    Stub,
}
pub(crate) struct ConfigFile;
pub(crate) struct ResolvedConfig;
pub(crate) fn resolve(
    _env: &HashMap<String, String>,
    _files: &[ConfigFile],
) -> Result<ResolvedConfig, ConfigError> {
    Err(ConfigError::Stub)
}
pub(crate) fn process_sources() -> Result<(HashMap<String, String>, Vec<ConfigFile>), ConfigError> {
    Err(ConfigError::Stub)
}
impl ResolvedConfig {
    pub(crate) fn endpoint(&self) -> Result<Endpoint, ConfigError> {
        Err(ConfigError::Stub)
    }
    pub(crate) fn credentials(&self) -> Result<Credentials, ConfigError> {
        Err(ConfigError::Stub)
    }
}
