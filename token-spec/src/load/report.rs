//! What loading reports: [`SpecError`]s, collected per file in [`Problems`], and the
//! hints they carry.

use std::collections::HashMap;
use std::fmt;

use crate::id::NodeId;
use crate::suggest::strsim_distance;

/// One problem found while loading a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpecError {
    /// The file (as given to the loader).
    pub file: String,
    /// The place in the file: a line and column for syntax errors, else the entry, such as
    /// `params[12] (card[number])` or `rules[3] (id "luhn")`.
    pub place: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.place, self.message)
    }
}

/// Every problem found while loading a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the spec has {} problem(s):", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

/// The problems found in one file, each naming its place.
pub(super) struct Problems<'a> {
    pub(super) errors: Vec<SpecError>,
    file: &'a str,
}

impl<'a> Problems<'a> {
    /// A collector for the problems of `file`.
    pub(super) fn new(file: &'a str) -> Self {
        Problems {
            errors: Vec::new(),
            file,
        }
    }

    /// Records a problem at `place`.
    pub(super) fn err(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.errors.push(SpecError {
            file: self.file.to_string(),
            place: place.into(),
            message: message.into(),
        });
    }
}

pub(super) fn parse_json<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<T, SpecError> {
    serde_json::from_str(text).map_err(|e| SpecError {
        file: file.to_string(),
        place: format!("line {}, column {}", e.line(), e.column()),
        message: e.to_string(),
    })
}

pub(super) fn unknown_param(path: &str, known: &HashMap<String, NodeId>) -> String {
    let best = known
        .keys()
        .map(|k| (strsim_distance(path, k), k))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    format!("unknown parameter `{path}`{best}")
}
