//! The `ovh.conf` INI parser. Pure: text in, sections out.

use std::collections::HashMap;
use std::path::PathBuf;

use super::{ConfigError, ConfigFile};

/// A merged INI value and the file it came from.
#[derive(Clone)]
pub(crate) struct Entry {
    pub value: String,
    pub path: PathBuf,
}

/// Merged INI data: section name → lower-case key → entry.
pub(crate) type Sections = HashMap<String, HashMap<String, Entry>>;

/// Parses one INI file and merges its keys into `sections` (later files override).
pub(crate) fn parse_ini(file: &ConfigFile, sections: &mut Sections) -> Result<(), ConfigError> {
    let text = file
        .contents
        .strip_prefix('\u{feff}')
        .unwrap_or(&file.contents);
    let mut current: Option<&str> = None;
    for (index, line) in text.lines().enumerate() {
        let error = |problem: &str| ConfigError::Syntax {
            path: file.path.clone(),
            line: index + 1,
            problem: problem.to_owned(),
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with([';', '#']) {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let Some(end) = header.rfind(']') else {
                return Err(error("unclosed section header: missing `]`"));
            };
            let name = header[..end].trim();
            if name.is_empty() {
                return Err(error("empty section name `[]`"));
            }
            current = Some(name);
            continue;
        }
        let Some(section) = current else {
            return Err(error(
                "`key = value` line before any `[section]` header (add e.g. `[default]` or `[ovh-eu]` above it)",
            ));
        };
        let Some(at) = line.find(['=', ':']) else {
            return Err(error(
                "expected `key = value`, `key: value`, a `[section]` header or a `;`/`#` comment",
            ));
        };
        let key = line[..at].trim().to_lowercase();
        if key.is_empty() {
            return Err(error("missing key name before the `=` or `:`"));
        }
        let entry = Entry {
            value: line[at + 1..].trim().to_owned(),
            path: file.path.clone(),
        };
        sections
            .entry(section.to_owned())
            .or_default()
            .insert(key, entry);
    }
    Ok(())
}
