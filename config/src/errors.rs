//! Configuration problems, collected so that one run reports all of them.

use std::fmt;

/// One thing wrong with the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted key path such as `web.bind`; empty when the problem concerns a whole source
    /// (a missing or unparsable file).
    pub key: String,
    /// Where the value came from: a file name such as `aimsbot.toml`, or `env AIMSBOT_WEB__BIND`.
    pub origin: Option<String>,
    /// What is wrong with the value and what is accepted.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.key.is_empty(), &self.origin) {
            (false, Some(origin)) => write!(f, "{} (from {origin}): {}", self.key, self.message),
            (false, None) => write!(f, "{}: {}", self.key, self.message),
            (true, Some(origin)) => write!(f, "{origin}: {}", self.message),
            (true, None) => f.write_str(&self.message),
        }
    }
}

/// Every problem found while loading the configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", one_per_line(.problems))]
pub struct ConfigErrors {
    pub problems: Vec<Problem>,
}

fn one_per_line(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(Problem::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
